import { describeLockContract } from '../../contracts/lock.contract.ts';

describeLockContract('core');
describeLockContract('core-solo');
