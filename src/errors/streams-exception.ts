/**
 * The base of Tributary's runtime errors (Java's `StreamsException`): something went wrong while running a
 * topology. The message names the task, topic, store or setting concerned; `cause` holds the underlying error.
 */
export class StreamsException extends Error {
  override name = 'StreamsException';
}

/** A source topic of the topology does not exist (Java's `MissingSourceTopicException`). Create it, then restart. */
export class MissingSourceTopicException extends StreamsException {
  override name = 'MissingSourceTopicException';
  readonly topics: readonly string[];
  constructor(topics: readonly string[], applicationId: string) {
    super(
      `source topic${topics.length > 1 ? 's' : ''} ${topics.map((t) => `"${t}"`).join(', ')} of application "${applicationId}" ` +
        `do${topics.length > 1 ? '' : 'es'} not exist: create ${topics.length > 1 ? 'them' : 'it'} before starting the application`,
    );
    this.topics = topics;
  }
}

/** Topics that must be co-partitioned have different partition counts, or the assignment failed otherwise. */
export class TaskAssignmentException extends StreamsException {
  override name = 'TaskAssignmentException';
}

/** Another instance of the application asked every instance to shut down (SHUTDOWN_APPLICATION). */
export class ApplicationShutdownRequestedException extends StreamsException {
  override name = 'ApplicationShutdownRequestedException';
}
