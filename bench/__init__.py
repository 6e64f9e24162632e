"""The benchmark of issue 7: our hot paths beside a floor measured in the same run.

    .venv/bin/python -m bench.run [--rounds 5] [--quick] [--explain]

See bench/run.py for what is measured and how.
"""
