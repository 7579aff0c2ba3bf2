package {{javaPackage}};

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A health endpoint for the load balancer, and a greeting on every other path. */
@RestController
public class HealthController {
  @GetMapping({"/health", "/*/health"})
  public Map<String, String> health() {
    return Map.of("status", "ok");
  }

  @GetMapping({"/", "/**"})
  public Map<String, String> hello(HttpServletRequest request) {
    return Map.of("app", "{{appName}}", "path", request.getRequestURI());
  }
}
