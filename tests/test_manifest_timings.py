"""Each stage of a run's manifest carries its CPU seconds beside its wall seconds: on a machine
shared with others the wall time says little, the CPU time what the stage costs."""

from __future__ import annotations

import time

import pytest

from shushuo.manifest import Manifest


def test_a_stage_records_cpu_and_wall_seconds():
    manifest = Manifest("run", parameters={}, code={})
    with manifest.stage("busy"):
        until = time.process_time() + 0.2
        while time.process_time() < until:
            pass
    with manifest.stage("idle"):
        time.sleep(0.2)
    busy, idle = manifest.stages
    assert busy["ok"] and busy["cpu_seconds"] >= 0.2
    assert idle["seconds"] >= 0.2 and idle["cpu_seconds"] < 0.1


def test_a_failed_stage_keeps_its_timings():
    manifest = Manifest("run", parameters={}, code={})
    with pytest.raises(ValueError), manifest.stage("fails"):
        raise ValueError
    [stage] = manifest.stages
    assert not stage["ok"] and stage["seconds"] is not None and stage["cpu_seconds"] is not None
