/** W&B's tests/test_validation.py, case by case (see wandbCases.ts and fixtures/validation.json). */
import { wandbConformance } from './wandbCases';

wandbConformance('test_validation', { cases: 29, agree: 28, deliberate: 0, notApplicable: 1 });
