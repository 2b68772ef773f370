/** A delivery failure, with whether trying again later could succeed (network, 408, 429, 5xx). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Whether `error` leaves a later attempt a chance: anything but a DeliveryError that says otherwise. */
export function isRetryableFailure(error: unknown): boolean {
  return !(error instanceof DeliveryError) || error.retryable;
}
