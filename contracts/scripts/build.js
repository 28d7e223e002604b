// Compiles every contract in src/ into build/ (see lib/compile.js).
'use strict';
const { loadCodes } = require('../lib/compile');

loadCodes().then((codes) => {
    for (const [name, code] of Object.entries(codes)) {
        console.log(`${name.padEnd(7)} ${code.hash().toString('hex')}`);
    }
}).catch((e) => { console.error(e.message); process.exit(1); });
