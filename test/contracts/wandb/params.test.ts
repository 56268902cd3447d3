/** W&B's tests/test_params.py: every case with a sweep-file form (fixtures/params.json). */
import { conformanceSuite } from './conformance';

conformanceSuite('parameters', 'params.json');
