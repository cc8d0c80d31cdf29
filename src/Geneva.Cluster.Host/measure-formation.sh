#!/bin/bash
# Cluster formation on loopback: a seed and two nodes started together; time until all three printed their ready line.
H=${1:-module/bin/cluster/Geneva.Cluster.Host.dll}; D=$(mktemp -d)
S=$(date +%s.%N)
dotnet $H node --name n1 --slots 2 --silo-port 21131 --gateway-port 21132 > $D/n1 2>/dev/null &
dotnet $H node --name n2 --slots 2 --seed 127.0.0.1:21131 > $D/n2 2>/dev/null &
dotnet $H node --name n3 --slots 2 --seed 127.0.0.1:21131 > $D/n3 2>/dev/null &
for i in $(seq 1 1200); do grep -q ready $D/n1 && grep -q ready $D/n2 && grep -q ready $D/n3 && break; sleep 0.05; done
E=$(date +%s.%N); echo "3 nodes ready after $(echo "$E-$S"|bc) s"
sleep 5; for f in n1 n2 n3; do p=$(sed 's/.*"processId":\([0-9]*\).*/\1/' $D/$f); echo "$f idle RSS $(grep VmRSS /proc/$p/status)"; done
dotnet $H stop --seed 127.0.0.1:21131 > /dev/null; wait; rm -rf $D
