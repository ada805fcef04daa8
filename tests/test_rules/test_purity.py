"""rules/ stays pure: importing it loads no web or database library."""

import subprocess
import sys


def test_importing_rules_loads_no_flask_wtforms_or_sqlalchemy():
    code = (
        "import sys, rules, rules.core.hpo, rules.core.inputs; rules.load_knowledge(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'wtforms', 'sqlalchemy', 'webapp')]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
