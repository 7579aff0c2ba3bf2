/** The global under which the test set-up records when the run started, for the teardown. */
export const RUN_STARTED = '__harmonixTestRunStarted';
