"""A report: its request, model (pure), view (HTML sections, charts, tables) and loading."""
