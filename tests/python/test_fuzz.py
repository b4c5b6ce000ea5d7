"""Fixed-seed fuzzing of newbuffer.memoryview against a plain model over guarded memory (fuzzops.py);
scripts/fuzz runs the same cases from random seeds for as long as it is given."""
import unittest

import fuzzops
from support import collect, leaked_from_newbuffer

SEEDS = range(3000)


class FuzzTests(unittest.TestCase):
    def test_leak_detector_tells_a_dotnet_exception_from_a_python_one(self):
        import clr
        clr.AddReference('NewBuffer.Runtime')
        from NewBuffer.Views import ArrayView
        import newbuffer
        with self.assertRaises(TypeError) as leaked:
            ArrayView.From(None)  # ArgumentNullException, thrown inside newbuffer's core
        self.assertEqual(leaked_from_newbuffer(leaked.exception), 'System.ArgumentNullException')
        with self.assertRaises(IndexError) as raised:
            newbuffer.memoryview(b'ab')[5]  # newbuffer's own IndexError, a .NET IndexOutOfRangeException
        self.assertIsNone(leaked_from_newbuffer(raised.exception))
        with self.assertRaises(IndexError) as theirs:
            [][0]
        self.assertIsNone(leaked_from_newbuffer(theirs.exception))

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
        unbalanced = [(x.gets, x.releases) for x in exporters if x.gets != x.releases]
        self.assertEqual(unbalanced, [])


if __name__ == '__main__':
    unittest.main()
