/** W&B's tests/test_grid_search.py: every case with a sweep-file form (fixtures/grid.json). */
import { conformanceSuite } from './conformance';

conformanceSuite('grid search', 'grid.json');
