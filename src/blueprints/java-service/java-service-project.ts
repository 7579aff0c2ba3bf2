import { typescript } from 'projen';
import { EnvironmentKind } from '../../contract/environment';
import { HarmonixAppOptions } from '../blueprint-options';
import { readAppSettings } from '../blueprint-settings';
import { blueprintProjectOptions, BlueprintSpec, setUpHarmonixApp } from '../harmonix-app';

/** Options of `harmonix-java-service` (and of `harmonix-java-ecs`, its former name). */
export interface HarmonixJavaServiceProjectOptions extends typescript.TypeScriptProjectOptions, HarmonixAppOptions {
  /**
   * Java package of the app's classes (also its Maven group).
   * @default "com.example.<appName without hyphens>"
   */
  readonly javaPackage?: string;
}

/** Maven and a JDK 17: the test job's image (the Dockerfile builds with the same). */
const MAVEN_IMAGE = 'public.ecr.aws/docker/library/maven:3.9-eclipse-temurin-17';
const MAVEN_TEST = ['mvn --batch-mode --no-transfer-progress test'];
const JAVA_PACKAGE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/** What makes this blueprint, with the app's Java package. */
function javaService(options: HarmonixJavaServiceProjectOptions): BlueprintSpec {
  const { appName } = readAppSettings(options);
  const javaPackage = options.javaPackage ?? `com.example.${appName.replace(/-/g, '')}`;
  if (!JAVA_PACKAGE.test(javaPackage)) {
    throw new Error(`harmonix blueprint "${options.name}": Java package "${javaPackage}" must be lower-case names joined by dots, such as "com.example.orders".`);
  }
  return {
    kinds: [EnvironmentKind.ECS, EnvironmentKind.EKS],
    componentType: 'service',
    pjid: 'harmonix-java-service',
    samples: ['common', 'container-infra', 'java-service'],
    tokens: { javaPackage, javaPackagePath: javaPackage.replace(/\./g, '/'), javaGroupId: javaPackage },
    develop: [
      'npm install                      # once: projen and the CDK app',
      'npx projen test                  # Maven tests, and eslint on infra/',
      'mvn spring-boot:run              # http://localhost:{{containerPort}}/health',
    ],
    test: { image: MAVEN_IMAGE, commands: MAVEN_TEST },
    otherToolchain: true,
    ignore: ['target/'],
    artifact: { kind: 'image' },
  };
}

/**
 * A Java Spring Boot 3.5 service in a container: sample code with a health endpoint and its
 * MockMvc tests (Maven), a multi-stage Dockerfile running it on a JRE, `infra/` (TypeScript, as
 * projen and the CDK app) deploying it into the environment named at deploy time
 * (`EcsApplication` on ECS Fargate, `EksApplication` on EKS), a pipeline that tests it, builds
 * the image once and deploys it through every environment in stage order, its Backstage catalog
 * file and TechDocs.
 *
 * @pjid harmonix-java-service
 */
export class HarmonixJavaServiceProject extends typescript.TypeScriptProject {
  constructor(options: HarmonixJavaServiceProjectOptions) {
    const spec = javaService(options);
    super(blueprintProjectOptions(options, spec));
    setUpHarmonixApp(this, options, spec);
  }
}

/** Options of `harmonix-java-ecs`, the former name of `harmonix-java-service`: the same options. */
export interface HarmonixJavaEcsProjectOptions extends HarmonixJavaServiceProjectOptions {}

/**
 * `harmonix-java-ecs`, the former name of `harmonix-java-service` (from when it deployed to ECS
 * only): the same blueprint, kept so that repos made with it and `projen new harmonix-java-ecs`
 * keep working. New repos take `harmonix-java-service`.
 *
 * @pjid harmonix-java-ecs
 */
export class HarmonixJavaEcsProject extends HarmonixJavaServiceProject {
  constructor(options: HarmonixJavaEcsProjectOptions) {
    super(options);
  }
}
