"""The national portal's evaluation API: fetch, score checks, the provinces."""
