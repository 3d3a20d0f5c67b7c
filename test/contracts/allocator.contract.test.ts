import { allocatorContract } from './allocator.contract.ts';
import { registerForEverySut } from './every-sut.ts';

registerForEverySut('allocator', allocatorContract);
