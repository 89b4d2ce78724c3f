"""``json_text.dumps_indented`` is ``json.dumps(value, ensure_ascii=False, indent=2)``, exactly."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cica_cli.json_text import dumps_indented

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=True),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.tuples(inner, inner)
    ),
    max_leaves=20,
)


@given(JSON)
def test_same_text_as_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_odd_keys_and_subclasses_fall_back_to_json() -> None:
    class Text(str):
        pass

    for value in ({1: "a"}, {"a": Text("b")}, [Text("c")], {True: None}):
        assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)
