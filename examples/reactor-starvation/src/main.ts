import { reactorIops, SETUPS } from './reactor';

for (const s of SETUPS) console.log(`${s.name.padEnd(46)} ${Math.round(reactorIops(s)).toString().padStart(7)} IOPS`);
