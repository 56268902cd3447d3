import { GpSampler } from '../../src/core/samplers/gp/gpSampler';
import { GridSampler } from '../../src/core/samplers/grid';
import { RandomSampler } from '../../src/core/samplers/random';
import { SobolSampler } from '../../src/core/samplers/sobol';
import { TpeSampler } from '../../src/core/samplers/tpe/tpeSampler';
import { gridSpace, mixedSpace, samplerContract } from './sampler.contract';

samplerContract('random (every distribution)', () => new RandomSampler(), mixedSpace());
samplerContract('random (grid space)', () => new RandomSampler(), gridSpace());
samplerContract('sobol (every distribution)', () => new SobolSampler({ seed: 7 }), mixedSpace());
samplerContract('sobol (grid space)', () => new SobolSampler({ seed: 7 }), gridSpace());
samplerContract('grid', () => new GridSampler(), gridSpace(), { count: 100 });
samplerContract('grid (constants only)', () => new GridSampler(), { params: [{ kind: 'constant', name: 'a', path: ['a'], value: 1 }] });

// model-based samplers (TPE, GP). A short startup (3) so the contract's histories (up to 8
// completed trials) reach the model, not only the Sobol startup.
samplerContract('tpe (every distribution)', () => new TpeSampler({ seed: 7 }), mixedSpace());
samplerContract('tpe, model phase (every distribution)', () => new TpeSampler({ seed: 7, nStartup: 3 }), mixedSpace());
samplerContract('tpe, model phase (grid space)', () => new TpeSampler({ seed: 7, nStartup: 3 }), gridSpace());
samplerContract('gp (every distribution)', () => new GpSampler({ seed: 7 }), mixedSpace(), { count: 12 });
samplerContract('gp, model phase (grid space)', () => new GpSampler({ seed: 7, startup: 3 }), gridSpace(), { count: 12 });
