/** W&B's tests/test_schema.py, case by case (see wandbCases.ts and fixtures/schema.json). */
import { wandbConformance } from './wandbCases';

wandbConformance('test_schema', { cases: 18, agree: 16, deliberate: 0, notApplicable: 2 });
