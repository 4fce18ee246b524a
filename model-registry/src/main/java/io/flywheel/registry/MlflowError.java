package io.flywheel.registry;

/**
 * An error the embedded server answers the way MLflow does: an {@code error_code} from MLflow's
 * vocabulary, a message, and the HTTP status MLflow pairs with that code.
 */
final class MlflowError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  enum Code {
    INVALID_PARAMETER_VALUE(400),
    RESOURCE_ALREADY_EXISTS(400),
    RESOURCE_DOES_NOT_EXIST(404),
    ENDPOINT_NOT_FOUND(404),
    UNAUTHENTICATED(401),
    INTERNAL_ERROR(500),
    NOT_IMPLEMENTED(501);

    final int httpStatus;

    Code(int httpStatus) {
      this.httpStatus = httpStatus;
    }
  }

  final Code code;

  MlflowError(Code code, String message) {
    super(message);
    this.code = code;
  }

  static MlflowError invalid(String field, String reason) {
    return new MlflowError(
        Code.INVALID_PARAMETER_VALUE, "Invalid value for '" + field + "': " + reason);
  }

  static MlflowError missing(String what) {
    return new MlflowError(Code.RESOURCE_DOES_NOT_EXIST, what + " does not exist");
  }

  static MlflowError exists(String what) {
    return new MlflowError(Code.RESOURCE_ALREADY_EXISTS, what + " already exists");
  }
}
