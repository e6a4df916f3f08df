package dev.corral.controlplane.http;

/** Answers one route of the {@link ApiServer}; runs off the event loop, may block briefly. */
@FunctionalInterface
public interface ApiHandler {
  ApiResponse handle(ApiRequest request) throws Exception;
}
