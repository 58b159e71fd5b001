"""Run every benchmark of the foundation, one after another: `python bench/run.py`."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
failed = 0
for script in ("sentences.py", "checkworthiness.py", "intake.py"):
    print(f"\n=== bench/{script}", flush=True)
    failed |= subprocess.call([sys.executable, str(HERE / script)])
sys.exit(failed)
