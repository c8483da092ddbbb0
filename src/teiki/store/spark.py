"""Run teiki's Ibis expressions on Spark: a local session and the store's tables as Parquet.

DuckDB stays the default engine. For Spark, :func:`export_parquet` writes each
canonical table of a :class:`~teiki.store.db.Store` to ``<table>.parquet`` and
:func:`connect_parquet` reads them back as Ibis tables on ibis' pyspark
backend, with the canonical column types of :data:`teiki.store.schema.TABLES`.

Timestamps are wall-clock values (DuckDB ``TIMESTAMP``, no time zone). Spark
keeps them right only with the session time zone at UTC, which
:func:`spark_session` and ``ibis.pyspark.connect`` both set, whatever the
machine's own zone.

PySpark (``pip install 'teiki[spark]'``) and a Java 17+ runtime are optional:
they are looked for only when a function here needs them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from teiki.errors import TeikiError
from teiki.store.schema import TABLES

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from teiki.store.db import Store

MIN_JAVA = 17  # Spark 4 runs on Java 17 and 21
SPARK_CONF = {
    "spark.sql.shuffle.partitions": "4",  # the default 200 makes every small group-by crawl
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",  # timestamps are wall-clock values (see the module docstring)
    "spark.driver.memory": "1g",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}


def _java_version() -> int | None:
    """The major version of the ``java`` Spark would start (``$JAVA_HOME/bin/java``, else PATH), None if absent."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        return None
    try:
        out = subprocess.run([java, "-version"], check=False, capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def _import_pyspark() -> Any:
    try:
        import pyspark.sql
    except ImportError as exc:
        raise TeikiError("spark_missing", detail=f"pyspark: {exc}") from exc
    return pyspark.sql


def spark_session() -> SparkSession:
    """The active SparkSession, else a new local one (2 cores, 4 shuffle partitions, UTC, quiet).

    Raises :class:`~teiki.errors.TeikiError` (``spark_missing``) when PySpark or a
    Java 17+ runtime is missing.
    """
    sql = _import_pyspark()
    session = sql.SparkSession.getActiveSession()
    if session is None:
        version = _java_version()
        if version is None or version < MIN_JAVA:
            found = "java: not found" if version is None else f"java {version} found"
            raise TeikiError("spark_missing", detail=found)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no hostname lookup, no warning about it
        builder = sql.SparkSession.builder.master("local[2]").appName("teiki")
        for key, value in SPARK_CONF.items():
            builder = builder.config(key, value)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # the JVM did not start (PySparkRuntimeError JAVA_GATEWAY_EXITED, ...)
            raise TeikiError("spark_missing", detail=str(exc).splitlines()[0]) from exc
    session.sparkContext.setLogLevel("ERROR")
    session.conf.set("spark.sql.session.timeZone", "UTC")
    return session


def export_parquet(store: Store, directory: str | Path) -> dict[str, Path]:
    """Write every canonical table of ``store`` to ``directory/<table>.parquet`` (empty ones too).

    Returns the files written, by table name. Runs on DuckDB through Ibis; the
    Parquet files keep the stored column types (an empty table keeps its schema).
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in TABLES:
        path = folder / f"{name}.parquet"
        store.table(name).to_parquet(path)
        written[name] = path
    return written


def _canonical(table: ir.Table, name: str) -> ir.Table:
    """``table`` with exactly the canonical columns of ``name``, each of its canonical type.

    Spark reads DuckDB's naive timestamps as ``TIMESTAMP_NTZ``, which Ibis (like
    Spark's ``TIMESTAMP`` at a UTC session) sees as ``timestamp``: the wall-clock
    value is kept and compares, joins and unions with Ibis literals and
    memtables as it does on DuckDB, so no cast is needed there.
    """
    spec = TABLES[name]
    columns = {}
    for column in spec.columns:
        value = table[column.name]
        dtype = ibis.dtype(column.dtype)
        columns[column.name] = value if value.type() == dtype else value.cast(dtype)
    return table.select(**columns)


def connect_parquet(directory: str | Path, session: SparkSession | None = None) -> tuple[Any, dict[str, ir.Table]]:
    """An ibis pyspark backend on ``session`` (default :func:`spark_session`) and the tables in ``directory``.

    Every ``<table>.parquet`` present for a canonical table is read as an Ibis
    table named after it, with the canonical columns and types.
    """
    if session is None:
        session = spark_session()
    con = ibis.pyspark.connect(session)
    tables: dict[str, ir.Table] = {}
    for name in TABLES:
        path = Path(directory) / f"{name}.parquet"
        if path.exists():
            tables[name] = _canonical(con.read_parquet(path, table_name=name), name)
    return con, tables
