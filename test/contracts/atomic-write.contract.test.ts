import { atomicWriteContract } from './atomic-write.contract.ts';
import { registerForEverySut } from './every-sut.ts';

registerForEverySut('atomic-write', atomicWriteContract);
