import { claimerContract } from './claimer.contract.ts';
import { registerForEverySut } from './every-sut.ts';

registerForEverySut('claimer', claimerContract);
