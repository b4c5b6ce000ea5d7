"""Fixed-seed fuzzing of newbuffer.memoryview against a plain model over guarded memory (fuzzops.py);
scripts/fuzz runs the same cases from random seeds for as long as it is given."""
import unittest

import fuzzops
from support import collect

SEEDS = range(3000)


class FuzzTests(unittest.TestCase):
    def test_fixed_seeds_agree_with_the_model(self):
        failures = []
        for seed in SEEDS:
            try:
                fuzzops.run_case(seed)
            except AssertionError as e:
                failures.append(str(e))
                if len(failures) == 5:
                    break
        self.assertEqual(failures, [], '\n'.join(failures))

    def test_hostile_exporters_meet_python_exceptions_only(self):
        failures, exporters = [], []
        for seed in range(600):
            try:
                exporters.append(fuzzops.run_hostile_case(seed))
            except AssertionError as e:
                failures.append(str(e))
        collect()
        self.assertEqual(failures, [], '\n'.join(failures[:5]))
        unbalanced = [(x.ledger.gets, x.ledger.releases) for x in exporters if not x.ledger.balanced]
        self.assertEqual(unbalanced, [])


if __name__ == '__main__':
    unittest.main()
