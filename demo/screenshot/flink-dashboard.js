#!/usr/bin/env node
// Screenshot of the Flink web dashboard with a job RUNNING: the job's overview page
// (#/job/running/<jid>/overview in Flink 2.x), whose pipeline graph shows every job vertex.
// Run it through flink-dashboard.sh, which checks the tools first.
//
//   node flink-dashboard.js URL OUT.png
//
// Environment: CHROMIUM (default /usr/bin/chromium), TIMEOUT_SECONDS (default 90: how long the
// REST API may take to list a RUNNING job, and then the page to render it), JOB_NAME (the job to
// show when several run; default: the first RUNNING one), PROFILE_DIR (Chromium's user data dir;
// default a fresh one under target/), WIDTH and HEIGHT (default 1600 x 1000).
//
// Exit codes: 0 written, 1 no RUNNING job (or the page never showed it), 2 usage.
'use strict';

const fs = require('fs');
const path = require('path');

const USAGE = 'usage: flink-dashboard.js URL OUT.png';

function fail(message, code = 1) {
    process.stderr.write(`flink-dashboard: ${message}\n`);
    process.exit(code);
}

function positiveInt(name, fallback) {
    const raw = process.env[name];
    if (raw === undefined || raw === '') {
        return fallback;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) {
        fail(`${name} must be a positive integer, got '${raw}'`, 2);
    }
    return value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET a JSON document of Flink's REST API, or throw with a readable reason. */
async function getJson(url, timeoutMs) {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
        throw new Error(`HTTP ${response.status} from ${url}`);
    }
    return response.json();
}

/**
 * Polls /jobs/overview until a RUNNING job (named jobName, if given) has every task running, or
 * the deadline passes. Returns the job, or throws saying what the dashboard had instead.
 */
async function waitForRunningJob(base, jobName, deadline, timeoutSeconds) {
    let last = 'no answer yet';
    let reached = false;
    let running = null;
    while (Date.now() < deadline) {
        try {
            const overview = await getJson(`${base}/jobs/overview`, 5000);
            reached = true;
            const jobs = overview.jobs || [];
            last =
                jobs.length === 0
                    ? 'no jobs'
                    : 'jobs: ' + jobs.map((j) => `${j.name} (${j.jid}) ${j.state}`).join(', ');
            running = jobs
                .filter((j) => j.state === 'RUNNING')
                .filter((j) => !jobName || j.name === jobName)
                .sort((a, b) => b['start-time'] - a['start-time'])[0];
            // the graph is only all green once every task is deployed and running
            if (running && running.tasks && running.tasks.running === running.tasks.total) {
                return running;
            }
        } catch (e) {
            last = `no answer from ${base}/jobs/overview: ${e.cause ? e.cause.code || e.cause.message : e.message}`;
        }
        await sleep(1000);
    }
    if (running) {
        // RUNNING, but some tasks are still deploying: the screenshot is still the running job
        return running;
    }
    if (!reached) {
        throw new Error(
            `no Flink dashboard answered at ${base} within ${timeoutSeconds}s (${last}); ` +
                'start the job first, e.g. ./skippy demo'
        );
    }
    throw new Error(
        `the Flink dashboard at ${base} has no RUNNING job` +
            (jobName ? ` named '${jobName}'` : '') +
            ` after ${timeoutSeconds}s (${last}); start one first, e.g. ./skippy demo`
    );
}

/**
 * Drags the handle between the graph and the vertex table down, leaving a few table rows: on
 * release the dashboard fits the graph to its larger pane. Best effort: a dashboard without the
 * handle keeps its layout.
 */
async function enlargeGraph(page, viewportHeight) {
    const handle = page.locator('flink-resize .resize.horizontal').first();
    if ((await handle.count()) === 0) {
        return;
    }
    const box = await handle.boundingBox();
    if (!box) {
        return;
    }
    const x = box.x + box.width / 2;
    const from = box.y + box.height / 2;
    const to = Math.max(from, viewportHeight - 100);
    await page.mouse.move(x, from);
    await page.mouse.down();
    await page.mouse.move(x, to, { steps: 20 });
    await page.mouse.up();
}

/** Headless Chromium with a fresh profile: no sandbox, GPU, sync or background traffic. */
function launch(chromium, profile, executablePath, width, height, deadline) {
    return chromium.launchPersistentContext(profile, {
        executablePath,
        headless: true,
        viewport: { width, height },
        deviceScaleFactor: 1,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
        timeout: Math.max(1000, deadline - Date.now()),
    });
}

async function main() {
    const args = process.argv.slice(2);
    if (args.length !== 2 || args.some((a) => a === '-h' || a === '--help')) {
        fail(USAGE, args.some((a) => a === '-h' || a === '--help') ? 0 : 2);
    }
    const base = args[0].replace(/\/+$/, '');
    const out = path.resolve(args[1]);
    if (!/^https?:\/\//.test(base)) {
        fail(`URL must start with http:// or https://, got '${args[0]}'\n${USAGE}`, 2);
    }
    const timeoutSeconds = positiveInt('TIMEOUT_SECONDS', 90);
    const width = positiveInt('WIDTH', 1600);
    const height = positiveInt('HEIGHT', 1000);
    const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
    const jobName = process.env.JOB_NAME || '';
    const deadline = Date.now() + timeoutSeconds * 1000;

    let job;
    try {
        job = await waitForRunningJob(base, jobName, deadline, timeoutSeconds);
    } catch (e) {
        fail(e.message);
    }
    process.stderr.write(`flink-dashboard: job ${job.name} (${job.jid}) is RUNNING\n`);

    const { chromium } = require('playwright-core');
    const targetDir = path.resolve(__dirname, 'target');
    fs.mkdirSync(targetDir, { recursive: true });
    const profile =
        process.env.PROFILE_DIR || fs.mkdtempSync(path.join(targetDir, 'chromium-profile-'));
    fs.mkdirSync(profile, { recursive: true });
    let context;
    try {
        context = await launch(chromium, profile, executablePath, width, height, deadline);
    } catch (e) {
        if (!process.env.PROFILE_DIR) {
            fs.rmSync(profile, { recursive: true, force: true });
        }
        fail(`cannot start Chromium (${executablePath}): ${e.message.split('\n')[0]}`);
    }
    let code = 0;
    try {
        const page = context.pages()[0] || (await context.newPage());
        const remaining = () => Math.max(1000, deadline - Date.now());

        // the job list first: the dashboard itself must show the job as RUNNING
        await page.goto(`${base}/#/job/running`, { timeout: remaining() });
        const row = page.locator('tr', { hasText: job.jid }).or(
            page.locator('tr', { hasText: job.name })
        );
        await row.first().getByText('RUNNING', { exact: true }).waitFor({ timeout: remaining() });

        // fold the side menu (if this dashboard has the toggle): more width for the graph
        const fold = page.locator('i.trigger.anticon-menu-fold');
        if ((await fold.count()) > 0) {
            await fold.first().click({ timeout: 5000 }).catch(() => {});
        }

        // then the job's overview: its pipeline graph, and the vertex table below it
        await page.goto(`${base}/#/job/running/${job.jid}/overview`, {
            timeout: remaining(),
        });
        await page.getByText('RUNNING', { exact: true }).first().waitFor({ timeout: remaining() });
        await page.locator('flink-dagre g.node').first().waitFor({ timeout: remaining() });
        await enlargeGraph(page, height);
        // the graph zooms to fit with a transition; let it and the first metrics settle
        await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
        await sleep(3000);

        fs.mkdirSync(path.dirname(out), { recursive: true });
        await page.screenshot({ path: out, fullPage: false });
        const nodes = await page.locator('flink-dagre g.node').count();
        process.stderr.write(
            `flink-dashboard: wrote ${out} (${width}x${height}, ${nodes} job vertices in the graph)\n`
        );
    } catch (e) {
        code = 1;
        process.stderr.write(
            `flink-dashboard: the dashboard at ${base} did not show job ${job.jid} as RUNNING` +
                ` within ${timeoutSeconds}s: ${e.message.split('\n')[0]}\n`
        );
    } finally {
        await context.close();
        if (!process.env.PROFILE_DIR) {
            fs.rmSync(profile, { recursive: true, force: true });
        }
    }
    process.exit(code);
}

main().catch((e) => fail(e.stack || String(e)));
