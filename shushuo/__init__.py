import warnings

# With the spark extra installed, great_expectations imports pyspark, which warns on import that it
# does not yet fully support pandas 3: nothing here hands pandas to Spark (the marts come back
# through Arrow, shushuo/spark_engine.py), so the analyst's console is spared it.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
