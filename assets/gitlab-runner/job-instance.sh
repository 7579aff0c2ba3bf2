#!/bin/bash
# Boots a job instance of the docker-autoscaler executor: Docker ready for the manager, which
# connects as ec2-user over SSH with a key it sends through EC2 Instance Connect, and waits for
# this script to finish (its instance_ready_command is `cloud-init status --wait`).
set -euo pipefail

dnf install -y docker
install -d -m 0755 /etc/docker
# Job logs go to GitLab; keep the daemon's own copies small.
cat > /etc/docker/daemon.json <<'JSON'
{ "log-driver": "json-file", "log-opts": { "max-size": "10m", "max-file": "3" } }
JSON
usermod --append --groups docker ec2-user
systemctl enable --now docker
echo "harmonix-runner: job instance ready"
