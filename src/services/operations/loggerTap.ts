import type { Logger, LogLevel } from '../../logger.ts';

/** A logger that reports each event it writes (at or above the configured level, or not) to `onEvent`. */
export function tapLogger(logger: Logger, onEvent: (event: string, level: LogLevel) => void): Logger {
  const tap = (level: LogLevel, write: Logger[LogLevel]): Logger[LogLevel] => (event, fields) => {
    onEvent(event, level);
    write(event, fields);
  };
  return {
    debug: tap('debug', logger.debug),
    info: tap('info', logger.info),
    warn: tap('warn', logger.warn),
    error: tap('error', logger.error),
    child: (fields) => tapLogger(logger.child(fields), onEvent),
  };
}
