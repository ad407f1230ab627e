package io.midnight.storage.sqlite;

/** The data directory cannot be opened safely; the message names the file and what is wrong with it. */
public final class StorageStartupException extends RuntimeException {

  StorageStartupException(String message, Throwable cause) {
    super(message, cause);
  }

  StorageStartupException(String message) {
    super(message);
  }
}
