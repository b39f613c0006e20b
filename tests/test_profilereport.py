"""Tests of scripts/profilereport.py, the per-function instruction profile."""
import io
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import profilereport  # noqa: E402

SYSTEM_MAP = """\
ffffffff81000000 T _text
ffffffff81000100 T alpha
ffffffff81000200 t beta
ffffffff81000280 d some_data
ffffffff81000300 W gamma
"""


class ProfileReportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_report(self, *args):
        buf = io.StringIO()
        with redirect_stdout(buf):
            rc = profilereport.main(list(args))
        self.assertEqual(rc, 0)
        return buf.getvalue()

    def test_blocks_go_to_the_function_that_holds_them(self):
        """A block is charged to the text symbol at or below its address."""
        syms = profilereport.load_symbols(self.write("map", SYSTEM_MAP))
        self.assertNotIn("some_data", [n for _, n in syms])
        p1 = {0xffffffff81000100: 10, 0xffffffff81000210: 5}
        p2 = {0xffffffff81000100: 110, 0xffffffff81000210: 5,
              0xffffffff81000240: 40, 0xffffffff81000290: 60}
        cost = profilereport.per_function(syms, p1, p2, 10)
        # beta's first block ran no more in the second boot: no cost.
        self.assertEqual(cost, {"alpha": 10.0, "beta": 10.0})
        self.assertNotIn("some_data", cost)

    def test_the_difference_of_the_boots_is_per_operation(self):
        """The table divides the second boot's extra count by --ops."""
        smap = self.write("map", SYSTEM_MAP)
        b1 = self.write("b1", "ffffffff81000100 1000\n")
        b2 = self.write("b2", "ffffffff81000100 3000\n")
        g1 = self.write("g1", "ffffffff81000100 1000\nffffffff81000300 7\n")
        g2 = self.write("g2", "ffffffff81000100 3000\nffffffff81000300 507\n"
                              "ffffffff81000300 500\n")
        out = self.run_report("--ops", "100", "base", smap, b1, b2, "new", smap, g1, g2)
        lines = out.splitlines()
        gamma = [l for l in lines if l.startswith("gamma")]
        self.assertEqual(len(gamma), 1)
        self.assertEqual(gamma[0].split(), ["gamma", "0.0", "10.0", "+10.0"])
        total = [l for l in lines if l.startswith("total")][0].split()
        self.assertEqual(total[-3:], ["20.0", "30.0", "+10.0"])
        # gamma, whose cost changed, is listed above alpha, whose did not.
        self.assertLess(lines.index(gamma[0]),
                        [i for i, l in enumerate(lines) if l.startswith("alpha")][0])

    def test_kernels_come_in_fours(self):
        with self.assertRaises(SystemExit):
            with redirect_stdout(io.StringIO()), open(os.devnull, "w") as null:
                old, sys.stderr = sys.stderr, null
                try:
                    profilereport.main(["--ops", "1", "base", "map", "p1"])
                finally:
                    sys.stderr = old


if __name__ == "__main__":
    unittest.main()
