/** W&B's tests/test_config.py, case by case (see wandbCases.ts and fixtures/config.json). */
import { wandbConformance } from './wandbCases';

wandbConformance('test_config', { cases: 35, agree: 25, deliberate: 8, notApplicable: 2 });
