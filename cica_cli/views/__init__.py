"""What the terminal and scripts see: plain text, JSON, the table and the timeline. Builds, never
prints."""
