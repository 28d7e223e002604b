#!/usr/bin/env node
// cocoon localnet: a local TON chain (@ton/sandbox) behind the TON HTTP API v2.
//
//   node contracts/localnet/main.js [--config FILE] [--state DIR] [--host H] [--port N] [--verbose]
//
// On first start (no state in DIR) it deploys a root from the config file
// (see localnet/config.example.json); later starts load the saved chain and
// ignore the config. It prints the endpoint and the root address, and runs
// until SIGINT/SIGTERM.
'use strict';

const fs = require('fs');
const path = require('path');
const { LocalChain } = require('./chain');
const { serve } = require('./api');

function usage(msg) {
    if (msg) console.error(`localnet: ${msg}`);
    console.error('usage: node contracts/localnet/main.js [--config FILE] [--state DIR] [--host 127.0.0.1] [--port 8081] [--verbose]');
    process.exit(2);
}

function parseArgs(argv) {
    const a = {
        config: null,
        state: path.join(__dirname, 'state'),
        host: '127.0.0.1',
        port: 8081,
        verbose: false,
    };
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i];
        const v = () => { if (i + 1 >= argv.length) usage(`${k} needs a value`); return argv[++i]; };
        if (k === '--config') a.config = v();
        else if (k === '--state') a.state = v();
        else if (k === '--host') a.host = v();
        else if (k === '--port') a.port = Number(v());
        else if (k === '--verbose') a.verbose = true;
        else if (k === '-h' || k === '--help') usage();
        else usage(`unknown argument ${k}`);
    }
    if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) usage('--port must be 0..65535');
    return a;
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    let config = {};
    if (args.config) {
        try {
            config = JSON.parse(fs.readFileSync(args.config, 'utf8'));
        } catch (e) {
            console.error(`localnet: cannot read config ${args.config}: ${e.message}`);
            process.exit(1);
        }
    }
    const chain = new LocalChain(path.resolve(args.state));
    const { created } = await chain.open(config);
    const server = await serve(chain, {
        host: args.host, port: args.port, log: args.verbose ? (m) => console.error(`localnet: ${m}`) : () => {},
    });
    const { address, port } = server.address();
    console.log(`localnet: ${created ? 'created a new chain' : 'loaded the chain'} in ${chain.stateDir}`);
    console.log(`localnet: endpoint http://${address}:${port}/api/v2`);
    console.log(`localnet: root ${chain.info.root}`);
    console.log(`localnet: root owner ${chain.info.rootOwner}`);
    console.log(`localnet: faucet POST http://${address}:${port}/localnet/faucet {"address":"...","amount":"nanoTON"}`);
    console.log('localnet: ready');

    const stop = () => {
        server.close();
        try { chain.save(); } catch (e) { console.error(`localnet: saving state failed: ${e.message}`); }
        process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}

main().catch((e) => {
    console.error(`localnet: ${e.stack || e.message}`);
    process.exit(1);
});
