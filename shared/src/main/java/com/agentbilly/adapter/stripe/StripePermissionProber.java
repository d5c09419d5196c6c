package com.agentbilly.adapter.stripe;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.keys.Probe;
import com.agentbilly.domain.keys.ProbeAnswer;
import com.agentbilly.domain.keys.StripePermission;
import com.agentbilly.http.Json;
import com.agentbilly.port.PermissionProber;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a key's permissions. How Stripe's answer is read: a 403 (which names the missing {@code
 * rak_*} permission and the account) means the key lacks it; a 404 or {@code resource_missing} for
 * the object that does not exist means it has it (Stripe checks permission first); a 2xx list means
 * it has it; a 401 means Stripe does not know the key. The answers are read from status and body
 * ({@link StripeExchange}): a probe's errors are the expected answers, and stripe-java's transport
 * and its reading of them into exceptions would load some 700 classes of its model during a cold
 * start.
 */
public final class StripePermissionProber implements PermissionProber {

  private static final Logger LOG = LoggerFactory.getLogger(StripePermissionProber.class);
  private static final Pattern ACCOUNT = Pattern.compile("on account '(acct_[A-Za-z0-9]+)'");

  private final StripeExchange stripe;
  private final Duration deadline;

  public StripePermissionProber(StripeExchange stripe, Duration deadline) {
    this.stripe = stripe;
    this.deadline = deadline;
  }

  @Override
  public Map<StripePermission, ProbeAnswer> probe(String key, Collection<Probe> probes) {
    Map<StripePermission, ProbeAnswer> answers = new EnumMap<>(StripePermission.class);
    // Not try-with-resources: close() would wait for probes still blocked on a slow Stripe, and
    // the deadline is the point. Left-over probes end with their own read timeout.
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    try {
      List<Future<ProbeAnswer>> futures = new ArrayList<>();
      for (Probe probe : probes) {
        futures.add(executor.submit(() -> ask(key, probe)));
      }
      long deadlineNanos = System.nanoTime() + deadline.toNanos();
      int i = 0;
      for (Probe probe : probes) {
        answers.put(probe.permission(), await(futures.get(i++), deadlineNanos));
      }
    } finally {
      executor.shutdownNow();
    }
    return answers;
  }

  private static ProbeAnswer await(Future<ProbeAnswer> future, long deadlineNanos) {
    try {
      return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiProblem problem) {
        throw problem;
      }
      throw new IllegalStateException("probe failed", e.getCause());
    }
  }

  private ProbeAnswer ask(String key, Probe probe) {
    StripeExchange.Answer response;
    try {
      response =
          probe.method().equals("GET")
              ? stripe.send(key, probe.path() + "?" + probe.form(), null)
              : stripe.send(key, probe.path(), probe.form());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    } catch (IOException e) {
      // Interrupted means the answer was already decided elsewhere: another probe found the key
      // unknown, or the deadline passed. Only a probe that failed on its own is worth a warning.
      if (!Thread.currentThread().isInterrupted()) {
        LOG.atWarn()
            .addKeyValue("permission", probe.permission().slug())
            .addKeyValue("error", e.getClass().getSimpleName())
            .log("a permission probe could not reach Stripe");
      }
      throw unavailable();
    }
    int status = response.status();
    if (status >= 200 && status < 300) {
      return ProbeAnswer.has();
    }
    JsonNode error = error(response.body());
    if (status == 403) {
      return ProbeAnswer.lacks(account(error.path("message").asText("")));
    }
    if (status == 401) {
      throw new ApiProblem(
          ErrorCode.KEY_INVALID,
          "Stripe does not recognise this key. Check that it was copied whole and not revoked.");
    }
    String code = error.path("code").asText(null);
    if (status == 404 || "resource_missing".equals(code)) {
      return ProbeAnswer.has();
    }
    LOG.atWarn()
        .addKeyValue("permission", probe.permission().slug())
        .addKeyValue("status", status)
        .addKeyValue("stripe_code", code)
        .log("unexpected answer to a permission probe");
    throw unavailable();
  }

  /** The {@code error} object of Stripe's error answer, or a missing node. */
  private static JsonNode error(String body) {
    try {
      return body.isEmpty() ? MissingNode.getInstance() : Json.read(body).path("error");
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  private static String account(String message) {
    Matcher matcher = ACCOUNT.matcher(message);
    return matcher.find() ? matcher.group(1) : null;
  }

  private static ApiProblem unavailable() {
    return new ApiProblem(
        ErrorCode.STRIPE_UNAVAILABLE,
        "Stripe could not be reached to verify the key. Try again in a minute.");
  }
}
