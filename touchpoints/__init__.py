"""The 6+2 service steps: the catalogue, generated service tasks, greetings, plan items, the board
and the quarterly check; imports core, organization and customers (a top-layer app, independent
of surveys and membership)."""
