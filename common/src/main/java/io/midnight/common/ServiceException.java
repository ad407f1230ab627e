package io.midnight.common;

/** A failure with a public {@link ErrorCode}, thrown inside a service and turned into a bus failure at its edge. */
public final class ServiceException extends RuntimeException {

  private final ErrorCode code;

  public ServiceException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
