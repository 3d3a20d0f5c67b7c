import { reserverContract } from './reserver.contract.ts';
import { registerForEverySut } from './every-sut.ts';

registerForEverySut('reserver', reserverContract);
