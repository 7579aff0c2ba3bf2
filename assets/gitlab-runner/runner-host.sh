#!/bin/bash
# Boots an instance that runs gitlab-runner: the docker-autoscaler manager, or a runner
# instance of the docker executor. GitlabRunner (harmonix-cdk) puts this runner's values above
# this script as readonly variables, and its configuration files under /etc/harmonix-runner:
#   config.toml            the global part of config.toml (concurrent, logging)
#   template.toml          the [[runners]] entry, merged by `gitlab-runner register`
#   cloudwatch-agent.json  which log files go to the runner's log group
# The runner authentication token is read from Secrets Manager here, never written above.
set -euo pipefail

readonly STAGING=/etc/harmonix-runner
readonly CONFIG=/etc/gitlab-runner/config.toml
readonly PLUGIN_DIR=/opt/harmonix/fleeting-plugins
readonly RUNNER_LOG_DIR=/var/log/gitlab-runner
# Downloads land in a private directory (mode 0700, unpredictable name), removed at exit.
DOWNLOADS=$(mktemp -d)
readonly DOWNLOADS
trap 'rm -rf "${DOWNLOADS}"' EXIT

log() { echo "harmonix-runner: $*"; }
fail() { echo "harmonix-runner: error: $*" >&2; exit 1; }

# Reads one instance metadata value over IMDSv2.
metadata() {
  local session
  session=$(curl -fsS --max-time 5 -X PUT http://169.254.169.254/latest/api/token \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
  curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: ${session}" "http://169.254.169.254/latest/meta-data/$1"
}

# Downloads a file over HTTPS only and checks it against the SHA-256 it must have.
download_verified() {
  local url=$1 sha256=$2 target=$3
  curl -fsSL --proto '=https' --tlsv1.2 --retry 5 -o "${target}" "${url}"
  echo "${sha256}  ${target}" | sha256sum --check --strict - || fail "${url} does not have the SHA-256 ${sha256}"
}

install_runner_from_repository() {
  # GitLab's package repository; dnf checks the repository metadata and each package
  # against GitLab's signing key.
  cat > /etc/yum.repos.d/runner_gitlab-runner.repo <<'REPO'
[runner_gitlab-runner]
name=GitLab Runner
baseurl=https://packages.gitlab.com/runner/gitlab-runner/amazon/2023/$basearch
enabled=1
gpgcheck=1
repo_gpgcheck=1
gpgkey=https://packages.gitlab.com/runner/gitlab-runner/gpgkey
sslverify=1
sslcacert=/etc/pki/tls/certs/ca-bundle.crt
metadata_expire=300
REPO
  dnf install -y "gitlab-runner-${RUNNER_VERSION}"
}

install_runner_binary() {
  download_verified "${RUNNER_BINARY_URL}" "${RUNNER_BINARY_SHA256}" "${DOWNLOADS}/gitlab-runner"
  install -m 0755 "${DOWNLOADS}/gitlab-runner" /usr/local/bin/gitlab-runner
  id gitlab-runner >/dev/null 2>&1 || useradd --system --create-home --shell /bin/bash gitlab-runner
  /usr/local/bin/gitlab-runner install --user gitlab-runner --working-directory /home/gitlab-runner --config "${CONFIG}"
}

install_fleeting_plugin() {
  case "${PLUGIN_SOURCE}" in
    registry)
      # Reads the plugin reference (aws:<version>) from config.toml.
      FLEETING_PLUGIN_PATH="${PLUGIN_DIR}" gitlab-runner fleeting install
      ;;
    binary)
      download_verified "${PLUGIN_BINARY_URL}" "${PLUGIN_BINARY_SHA256}" "${DOWNLOADS}/fleeting-plugin-aws"
      install -m 0755 "${DOWNLOADS}/fleeting-plugin-aws" /usr/local/bin/fleeting-plugin-aws
      ;;
    none) ;;
    *) fail "unknown fleeting plugin source ${PLUGIN_SOURCE}" ;;
  esac
}

instance_id=$(metadata instance-id)
log "instance ${instance_id}, runner ${RUNNER_NAME}, executor ${RUNNER_EXECUTOR}"

# Logs first, so that a failed boot can be read in CloudWatch.
dnf install -y amazon-cloudwatch-agent
install -d -m 0755 "${RUNNER_LOG_DIR}"
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
  -c "file:${STAGING}/cloudwatch-agent.json"

if [ "${RUNNER_EXECUTOR}" = docker ]; then
  dnf install -y docker
  systemctl enable --now docker
fi

install -d -m 0700 /etc/gitlab-runner
install -m 0600 "${STAGING}/config.toml" "${CONFIG}"
case "${RUNNER_SOURCE}" in
  repository) install_runner_from_repository ;;
  binary) install_runner_binary ;;
  *) fail "unknown gitlab-runner source ${RUNNER_SOURCE}" ;;
esac

# The service: its log in a file the CloudWatch agent ships, and where plugins are installed.
install -d -m 0755 "${PLUGIN_DIR}" /etc/systemd/system/gitlab-runner.service.d
cat > /etc/systemd/system/gitlab-runner.service.d/harmonix.conf <<UNIT
[Service]
Environment=FLEETING_PLUGIN_PATH=${PLUGIN_DIR}
StandardOutput=append:${RUNNER_LOG_DIR}/runner.log
StandardError=append:${RUNNER_LOG_DIR}/runner.log
UNIT

# Unregisters this runner manager from GitLab when the instance stops (scale-in, replacement,
# termination): stopped after gitlab-runner has finished, before the network goes down.
cat > /etc/systemd/system/harmonix-runner-unregister.service <<UNIT
[Unit]
Description=Unregister this GitLab runner manager when the instance stops
Wants=network-online.target
After=network-online.target
Before=gitlab-runner.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/usr/bin/env gitlab-runner unregister --all-runners --config ${CONFIG}
TimeoutStopSec=60

[Install]
WantedBy=multi-user.target
UNIT

# Registration with the runner authentication token, read now and passed in the environment
# (not on the command line); gitlab-runner keeps it in config.toml (root only).
token=$(aws secretsmanager get-secret-value --region "${AWS_REGION_NAME}" --secret-id "${TOKEN_SECRET_ARN}" \
  --query SecretString --output text)
case "${token}" in
  glrt-*) ;;
  *) fail "secret ${TOKEN_SECRET_ARN} does not hold a runner authentication token (glrt-...): create the runner in GitLab, put its token in the secret, then replace this instance" ;;
esac
CI_SERVER_TOKEN="${token}" gitlab-runner register --non-interactive \
  --config "${CONFIG}" \
  --template-config "${STAGING}/template.toml" \
  --url "${GITLAB_URL}" \
  --executor "${RUNNER_EXECUTOR}" \
  --docker-image "${DEFAULT_IMAGE}" \
  --name "${RUNNER_NAME}-${instance_id}"
unset token

install_fleeting_plugin

systemctl daemon-reload
systemctl enable --now harmonix-runner-unregister.service
systemctl enable gitlab-runner
systemctl restart gitlab-runner
log "registered with ${GITLAB_URL} and running"
