"""Chỉ số 766 Workbook: track, explain and publish the Bộ chỉ số 766 of a province."""

import warnings

# pandera imports pyspark.pandas when pyspark is installed (the Spark engine), and pyspark
# warns on every import that it does not yet support pandas 3 — noise in every command's
# output and every cron mail, about a module the workbook does not use.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)
