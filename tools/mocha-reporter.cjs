// The spec reporter, closed by a plain "N passed, N failed, N skipped" line that any CI reads.
'use strict';
const Mocha = require('mocha');

class OpenAmrReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}

module.exports = OpenAmrReporter;
