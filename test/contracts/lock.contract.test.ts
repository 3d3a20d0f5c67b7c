import { lockContract } from './lock.contract.ts';
import { registerForEverySut } from './every-sut.ts';

registerForEverySut('lock', lockContract);
