import { updateJsonContract } from './update-json.contract.ts';
import { registerForEverySut } from './every-sut.ts';

registerForEverySut('update-json', updateJsonContract);
