#!/usr/bin/env python3
"""Checks of the harness shared by the cross-validation scripts (rerank_cv.py and its callers),
without a binary: `python3 benches/test_harness.py`."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rerank_cv as rc  # noqa: E402
import subject_cv  # noqa: E402

ALL = ['--sets', 'heldout,heldout2,heldout3,heldout4']


class Sets(unittest.TestCase):
    def setUp(self):
        rc.SETS[:] = [os.path.join(rc.HERE, 'heldout')]
        self.dir = tempfile.TemporaryDirectory()
        self.cache = os.path.join(self.dir.name, 'cache.json')

    def tearDown(self):
        rc.SETS[:] = [os.path.join(rc.HERE, 'heldout')]
        self.dir.cleanup()

    def write(self, qids):
        runs = {f'{q}/{m}': {} for q in qids for m in ('typed', 'pasted')}
        json.dump([runs, []], open(self.cache, 'w', encoding='utf-8'))

    def test_a_cache_reads_the_sets_named(self):
        # paste_cv and subject_cv call cached_fetch without use_sets: with a cache the sets named
        # were not read, so their needs were scored without judgments and left out of each line.
        rc.use_sets(ALL)
        qids = [q for q, _, _ in rc.needs()]
        rc.SETS[:] = [os.path.join(rc.HERE, 'heldout')]
        self.write(qids)
        data, _ = rc.cached_fetch('bin', 'archive', 'index', ['--cache', self.cache, *ALL])
        self.assertEqual(len(data), 2 * len(qids))
        self.assertEqual(set(rc.set_of().values()), {'dev', 'held-out', 'heldout2', 'heldout3', 'heldout4'})
        self.assertIn('H38', rc.grades())

    def test_a_cache_of_more_sets_keeps_the_needs_read(self):
        rc.use_sets(ALL)
        qids = [q for q, _, _ in rc.needs()]
        self.write(qids)
        data, _ = rc.cached_fetch('bin', 'archive', 'index', ['--cache', self.cache, '--sets', 'heldout'])
        self.assertEqual({k.split('/')[0] for k in data}, {q for q, _, _ in rc.needs()})
        self.assertNotIn('H38/pasted', data)

    def test_a_cache_missing_needs_is_an_error_naming_them(self):
        self.write([q for q, _, _ in rc.needs()])
        with self.assertRaises(SystemExit) as e:
            rc.cached_fetch('bin', 'archive', 'index', ['--cache', self.cache, *ALL])
        self.assertIn('H38', str(e.exception.code))

    def test_keys_missing_for_a_need_read_are_an_error_naming_it(self):
        path = os.path.join(self.dir.name, 'keys.tsv')
        with open(path, 'w', encoding='utf-8') as f:
            for q, _, _ in rc.needs():
                f.write(f'KEY\t{q}\t日切\t1.5\n')
        self.assertEqual(rc.question_keys(path)['H01'], [('日切', 1.5)])
        rc.use_sets(ALL)
        with self.assertRaises(SystemExit) as e:
            rc.question_keys(path)
        self.assertIn('H11', str(e.exception.code))

    def test_subject_cv_takes_no_option_for_a_feature(self):
        self.assertEqual(subject_cv.features(['--cache', 'c.json', *ALL]), [])
        self.assertEqual(subject_cv.features(['--cache', 'c.json', 'passsubj', *ALL, 'ps_written']),
                         ['passsubj', 'ps_written'])


if __name__ == '__main__':
    unittest.main()
