package {{javaPackage}};

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(HealthController.class)
class HealthControllerTest {
  @Autowired
  private MockMvc mvc;

  @Test
  void healthAnswersOk() throws Exception {
    mvc.perform(get("/health")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("ok"));
  }

  @Test
  void otherPathsAreGreeted() throws Exception {
    mvc.perform(get("/{{appName}}/orders"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.app").value("{{appName}}"))
        .andExpect(jsonPath("$.path").value("/{{appName}}/orders"));
  }
}
