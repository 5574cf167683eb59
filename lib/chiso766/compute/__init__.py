"""Pure computation: periods, units, scoring, ranking, comparison."""
