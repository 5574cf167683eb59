"""The dossier aggregation written once (:mod:`.expressions`, Ibis) and the engines that run
it (:mod:`.backends`): DuckDB by default, Spark at national scale."""
