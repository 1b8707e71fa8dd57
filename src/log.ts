// One pino logger for the service. Personal data must never reach it: request bodies and
// query strings are not logged, and known personal fields are redacted as a second line of defence.
import pino from "pino";

export const personalFields = ["idNumber", "insuredIdNumber", "name", "insuredName", "phone", "password"];

export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: personalFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
        censor: "[redacted]",
      },
    },
    destination,
  );
}

export type Logger = pino.Logger;
