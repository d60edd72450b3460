"""The deployment files parse and agree with the code: services, variables, commands, probes.

No container engine is needed: the files are read as YAML and their Tillid
configuration is run through ``Settings.from_env``.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import yaml

from tillid.cli import build_parser
from tillid.config import ENVIRONMENT_VARIABLES, Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"
TILLID_SERVICES = ("migrate", "worker", "api")
# ${NAME}, ${NAME:-default}, ${NAME:?message}: compose interpolation, filled in for the check.
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\}")


def is_subcommand(name: str) -> bool:
    """True when `tillid NAME --help` is accepted by the CLI's parser."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            build_parser().parse_args([name, "--help"])
        except SystemExit as stop:
            return stop.code == 0
    return False


def test_is_subcommand_tells_commands_apart():
    assert is_subcommand("worker") and not is_subcommand("wrker")


def load(path: Path) -> list[dict]:
    return [document for document in yaml.safe_load_all(path.read_text(encoding="utf-8")) if document]


@pytest.fixture(scope="module")
def compose() -> dict:
    [document] = load(DEPLOY / "compose.yaml")
    return document


@pytest.fixture(scope="module")
def manifests() -> list[dict]:
    documents = [document for path in sorted(K8S.glob("*.yaml")) for document in load(path)]
    assert documents
    return documents


def kind(manifests: list[dict], kind_name: str, name: str) -> dict:
    [found] = [m for m in manifests if m.get("kind") == kind_name and m["metadata"]["name"] == name]
    return found


# What an operator fills in for ${...}: long enough for any secret (TILLID_EVENT_SIGNING_KEY wants 32 characters).
FILLED_IN = "secret-" + "0" * 64


def interpolated(value: object) -> str:
    return INTERPOLATION.sub(FILLED_IN, str(value))


def tillid_variables(environment: dict) -> set[str]:
    return {name for name in environment if name.startswith("TILLID_")}


# compose.yaml

def test_compose_services(compose):
    assert set(compose["services"]) == {"kafka", "postgres", *TILLID_SERVICES}
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
    assert compose["services"]["postgres"]["image"].startswith("postgres:")


def test_compose_kafka_runs_in_kraft_mode(compose):
    environment = compose["services"]["kafka"]["environment"]
    assert set(environment["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "zookeeper" not in str(compose).lower()
    node = environment["KAFKA_NODE_ID"]
    assert environment["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{node}@kafka:")
    assert "PLAINTEXT://kafka:9092" in environment["KAFKA_ADVERTISED_LISTENERS"]


@pytest.mark.parametrize("service", TILLID_SERVICES)
def test_compose_tillid_services_use_the_built_image(compose, service):
    spec = compose["services"][service]
    assert spec["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY.parent / spec["build"]["dockerfile"]).is_file()
    assert is_subcommand(spec["command"][0])


@pytest.mark.parametrize("service", TILLID_SERVICES)
def test_compose_configuration_is_valid_and_starts_nothing_embedded(compose, service):
    environment = compose["services"][service]["environment"]
    assert tillid_variables(environment) <= set(ENVIRONMENT_VARIABLES)
    settings = Settings.from_env({name: interpolated(value) for name, value in environment.items()})
    assert settings.kafka == "kafka:9092"
    assert settings.database_url.startswith("postgresql://") and "@postgres:5432/" in settings.database_url
    assert not settings.embedded and settings.admin_token
    assert settings.signing_key() and settings.kafka_security_protocol == "PLAINTEXT"


def test_compose_database_credentials_match(compose):
    postgres = compose["services"]["postgres"]["environment"]
    url = compose["services"]["worker"]["environment"]["TILLID_DATABASE_URL"]
    assert url == (f"postgresql://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
                   f"@postgres:5432/{postgres['POSTGRES_DB']}")


def test_compose_commands(compose):
    services = compose["services"]
    assert [services[name]["command"] for name in TILLID_SERVICES] == [["migrate"], ["worker"], ["api"]]


def test_compose_scales_workers_and_orders_start_up(compose):
    services = compose["services"]
    assert services["worker"]["deploy"]["replicas"] > 1
    for name in ("worker", "api"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["kafka"]["condition"] == depends["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["kafka"] and "healthcheck" in services["postgres"]


def test_compose_api_port_and_health(compose):
    api = compose["services"]["api"]
    settings = Settings.from_env({name: interpolated(value) for name, value in api["environment"].items()})
    assert api["ports"] == [f"{settings.api_port}:{settings.api_port}"]
    assert settings.api_host == "0.0.0.0"
    assert f"127.0.0.1:{settings.api_port}/healthz" in " ".join(api["healthcheck"]["test"])


def test_dockerfile_installs_the_project_and_runs_tillid():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    assert "pip install ." in text
    assert 'ENTRYPOINT ["tillid"]' in text
    assert re.search(r"^USER \d+(:\d+)?$", text, re.M), "the image runs as an unprivileged user"
    for name in re.findall(r"\b(TILLID_[A-Z_]+)=", text):
        assert name in ENVIRONMENT_VARIABLES


# Kubernetes

def test_every_manifest_names_its_kind_and_namespace(manifests):
    for manifest in manifests:
        assert manifest["apiVersion"] and manifest["kind"]
        if manifest["kind"] not in ("Namespace", "Kustomization"):
            assert manifest["metadata"]["namespace"] == "tillid"


def test_kustomization_lists_every_manifest(manifests):
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    files = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_configmap_and_secret_hold_only_known_variables(manifests):
    config = kind(manifests, "ConfigMap", "tillid-config")["data"]
    secret = kind(manifests, "Secret", "tillid-secrets")["stringData"]
    assert set(config) | set(secret) <= set(ENVIRONMENT_VARIABLES)
    assert set(secret) == {"TILLID_ADMIN_TOKEN", "TILLID_DATABASE_URL", "TILLID_EVENT_SIGNING_KEY"}
    assert not set(config) & set(secret)
    settings = Settings.from_env({**config, **secret})
    assert settings.kafka and settings.database_url and not settings.embedded


def pod_specs(manifests: list[dict]) -> dict[str, dict]:
    """Name of each workload -> its pod spec."""
    return {m["metadata"]["name"]: m["spec"]["template"]["spec"] for m in manifests
            if m["kind"] in ("Deployment", "Job")}


def test_workloads_run_tillid_subcommands_with_the_configuration(manifests):
    specs = pod_specs(manifests)
    assert set(specs) == {"tillid-worker", "tillid-api", "tillid-migrate"}
    commands = {}
    for name, spec in specs.items():
        [container] = spec["containers"]
        commands[name] = container["args"]
        assert is_subcommand(container["args"][0])
        sources = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
        assert sources == {"tillid-config", "tillid-secrets"}
        for variable in container.get("env", []):
            assert variable["name"] in ENVIRONMENT_VARIABLES
    assert commands == {"tillid-worker": ["worker"], "tillid-api": ["api"], "tillid-migrate": ["migrate"]}


def test_data_dir_is_writable_scratch_in_pods(manifests):
    data_dir = kind(manifests, "ConfigMap", "tillid-config")["data"]["TILLID_DATA_DIR"]
    for name in ("tillid-worker", "tillid-api"):
        spec = pod_specs(manifests)[name]
        mounts = {mount["mountPath"]: mount["name"] for mount in spec["containers"][0]["volumeMounts"]}
        volume = {volume["name"]: volume for volume in spec["volumes"]}[mounts[data_dir]]
        assert "emptyDir" in volume


def test_workers_are_replicated(manifests):
    worker = kind(manifests, "Deployment", "tillid-worker")
    assert worker["spec"]["replicas"] > 1
    labels = worker["spec"]["template"]["metadata"]["labels"]
    assert worker["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_api_probes_and_service(manifests):
    api = kind(manifests, "Deployment", "tillid-api")
    [container] = api["spec"]["template"]["spec"]["containers"]
    config = kind(manifests, "ConfigMap", "tillid-config")["data"]
    [port] = container["ports"]
    assert port["containerPort"] == int(config["TILLID_API_PORT"])
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port["name"]}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port["name"]}
    service = kind(manifests, "Service", "tillid-api")
    assert service["spec"]["selector"].items() <= api["spec"]["template"]["metadata"]["labels"].items()
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]


def test_the_probes_and_the_scrape_ask_for_routes_the_service_has():
    from tillid.config import Settings as AnySettings
    from tillid.review.app import create_app

    paths = {getattr(route, "path", None) for route in create_app(
        AnySettings(event_signing_key="k" * 32)).routes}
    assert {"/readyz", "/healthz", "/metrics"} <= paths


def test_api_pods_are_scraped_by_annotation(manifests):
    api = kind(manifests, "Deployment", "tillid-api")
    template = api["spec"]["template"]
    [container] = template["spec"]["containers"]
    annotations = template["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/path"] == "/metrics"
    assert int(annotations["prometheus.io/port"]) == container["ports"][0]["containerPort"]


def test_monitoring_examples_scrape_metrics_of_the_api(manifests):
    [monitor] = load(DEPLOY / "monitoring" / "servicemonitor.yaml")
    service = kind(manifests, "Service", "tillid-api")
    assert monitor["kind"] == "ServiceMonitor"
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert [(e["port"], e["path"]) for e in monitor["spec"]["endpoints"]] == [(service["spec"]["ports"][0]["name"],
                                                                               "/metrics")]
    [prometheus] = load(DEPLOY / "monitoring" / "prometheus.yaml")
    jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}
    assert all(job["metrics_path"] == "/metrics" for job in jobs.values())
    keep = jobs["tillid-api"]["relabel_configs"][0]
    assert keep["source_labels"] == ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]
    assert jobs["tillid-api-compose"]["static_configs"][0]["targets"] == ["api:8000"]


def test_migration_job(manifests):
    job = kind(manifests, "Job", "tillid-migrate")
    assert job["spec"]["template"]["spec"]["restartPolicy"] in ("OnFailure", "Never")


def container_settings(manifests: list[dict], workload: str, ca_file: Path) -> Settings:
    """The Settings a workload's container gets: the ConfigMap, the Secret and its own env (a secret
    reference filled in, the CA file mounted in the pod replaced by a stand-in)."""
    [container] = pod_specs(manifests)[workload]["containers"]
    env = {**kind(manifests, "ConfigMap", "tillid-config")["data"],
           **kind(manifests, "Secret", "tillid-secrets")["stringData"]}
    for variable in container.get("env", []):
        env[variable["name"]] = variable.get("value", FILLED_IN)
    if "TILLID_KAFKA_CA_FILE" in env:
        mounted = {mount["mountPath"] for mount in container["volumeMounts"]}
        assert str(Path(env["TILLID_KAFKA_CA_FILE"]).parent) in mounted, workload
        env["TILLID_KAFKA_CA_FILE"] = str(ca_file)
    return Settings.from_env(env)


def test_worker_and_review_service_connect_to_kafka_as_principals_of_their_own(manifests, tmp_path):
    """deploy/README.md's ACLs let only the review service's principal write decisions and answers."""
    ca_file = tmp_path / "ca.crt"
    ca_file.write_text("-")
    worker = container_settings(manifests, "tillid-worker", ca_file)
    review = container_settings(manifests, "tillid-api", ca_file)
    for settings in (worker, review):
        assert settings.kafka_security_protocol == "SASL_SSL" and settings.kafka_sasl_mechanism == "SCRAM-SHA-512"
        assert settings.kafka_ca_file == ca_file and settings.signing_key()
    assert (worker.kafka_sasl_username, review.kafka_sasl_username) == ("tillid-worker", "tillid-review")
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for principal in ("User:tillid-worker", "User:tillid-review"):
        assert principal in readme
    # The migration job never connects to Kafka: it needs no principal.
    assert container_settings(manifests, "tillid-migrate", ca_file).kafka_security_protocol == "PLAINTEXT"


def test_every_tillid_variable_in_the_deploy_files_is_read_by_the_code():
    used = set()
    for path in [DEPLOY / "compose.yaml", DEPLOY / "Dockerfile", *K8S.glob("*.yaml")]:
        used |= set(re.findall(r"\bTILLID_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    assert used, "the deploy files configure Tillid"
    assert used <= set(ENVIRONMENT_VARIABLES), used - set(ENVIRONMENT_VARIABLES)

