"""The order in which events are resolved: what an event refers to comes before it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence


def dependency_order(refs: Mapping[str, Sequence[str]]) -> tuple[list[str], list[list[str]]]:
    """Ids with their references first, and every cycle found (``[a, b, a]``).

    Iterative depth-first search (no recursion limit), O(ids + references). References to ids
    not in ``refs`` are ignored (the resolver reports them).
    """
    white, grey, black = 0, 1, 2
    color = dict.fromkeys(refs, white)
    order: list[str] = []
    cycles: list[list[str]] = []
    for root, root_refs in refs.items():
        if color[root] != white:
            continue
        if not root_refs:  # most events: a literal date
            color[root] = black
            order.append(root)
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(root_refs))]
        path = [root]
        color[root] = grey
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                color[node] = black
                order.append(node)
            elif child not in refs or color[child] == black:
                continue
            elif color[child] == grey:
                cycles.append([*path[path.index(child) :], child])
            else:
                color[child] = grey
                path.append(child)
                stack.append((child, iter(refs[child])))
    return order, cycles
