package net.dhtedge.agent.http;

import static net.dhtedge.agent.http.Html.esc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.pipeline.PipelineCounters;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.store.DiskSpace;
import net.dhtedge.agent.store.Step;
import net.dhtedge.agent.store.StoreHealth;

/**
 * The status page at {@code /}: one server-rendered HTML document with inline CSS and JS and no
 * external assets (works on a Pi without internet). Live through {@code /api/events}. Every text
 * that comes from a device or a broker is escaped.
 *
 * <p>Why it is long (~550 lines): most of it is the page itself (markup, CSS and the small live
 * script), kept in one place so the page can be read and changed as one document.
 */
final class StatusPage {
  private StatusPage() {}

  static String render(ApiBackend b, boolean readRequiresToken) {
    AgentClock.Moment moment = b.clock().now();
    Instant now = moment.wall();
    Duration uptime = b.uptime(moment);
    PipelineCounters pc = b.pipeline().counters();
    StringBuilder h = new StringBuilder(16 * 1024);
    h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta name=\"color-scheme\" content=\"light dark\">")
        .append("<title>edge-agent status</title>")
        .append(FAVICON)
        .append("<style>")
        .append(CSS)
        .append("</style></head><body")
        .append(readRequiresToken ? " data-readtoken=\"1\">" : ">");
    Object name = b.name();
    h.append("<header><h1>edge-agent <small>")
        .append(esc(name))
        .append("</small></h1><p>version <b id=\"version\">")
        .append(esc(b.version()))
        .append("</b> · up <b id=\"uptime\" data-started=\"")
        .append(b.startedAt().toEpochMilli())
        .append("\" data-uptime=\"")
        .append(uptime.toMillis())
        .append("\">")
        .append(Html.age(uptime))
        .append("</b> · <span id=\"live\" class=\"muted\">connecting…</span></p>");
    clockNotice(h, b.clock());
    h.append("</header>");

    // Broker
    h.append("<section><h2>Broker</h2><p id=\"broker\">");
    if (b.mqtt().isPresent()) {
      Map<String, Object> s = b.mqtt().get().status();
      boolean up = Boolean.TRUE.equals(s.get("connected"));
      h.append("<span id=\"broker-state\" class=\"pill ")
          .append(up ? "ok" : "bad")
          .append("\">")
          .append(up ? "connected" : esc(s.get("state")))
          .append("</span> <span id=\"broker-server\">")
          .append(esc(s.get("server")))
          .append("</span>");
      if (!up && s.get("last_error") != null) {
        h.append("<br><span class=\"muted\">").append(esc(s.get("last_error"))).append("</span>");
      }
    } else {
      h.append("<span class=\"pill muted\">MQTT off</span>");
    }
    h.append("</p><p>outbox: <b id=\"outbox\">").append(pc.outboxDepth()).append("</b> waiting");
    if (pc.outboxDropped() > 0) {
      h.append(", ").append(pc.outboxDropped()).append(" readings dropped (outbox full)");
    }
    h.append("</p></section>");

    // Devices: their state says what the open incidents say, too.
    List<Incident> open = b.pipeline().store().notResolvedIncidents();
    Map<String, List<Incident>> byDevice = new HashMap<>();
    for (Incident i : open) {
      byDevice.computeIfAbsent(i.deviceId(), k -> new ArrayList<>()).add(i);
    }
    byDevice.values().forEach(l -> l.sort(Comparator.comparingLong(Incident::id)));
    h.append("<section><h2>Devices</h2><div class=\"scroll\"><table id=\"devices\">")
        .append("<thead><tr><th>device</th><th>temperature</th><th>humidity</th>")
        .append("<th>age</th><th>online</th><th>reads ok</th><th>state</th></tr></thead><tbody>");
    List<DeviceView> devices = b.devices();
    for (DeviceView d : devices) {
      deviceRow(h, d, byDevice.getOrDefault(d.id(), List.of()));
    }
    if (devices.isEmpty()) {
      h.append("<tr class=\"none\"><td colspan=\"7\" class=\"muted\">no device yet</td></tr>");
    }
    h.append("</tbody></table></div><p id=\"scroll-hint\" class=\"muted\" hidden>")
        .append("more columns to the right: scroll the table sideways →</p></section>");

    history(h, b, devices, now);

    // Incidents
    h.append("<section><h2>Open incidents</h2><ul id=\"incidents\">");
    for (Incident i : open) {
      incidentItem(h, i);
    }
    if (open.isEmpty()) {
      h.append("<li class=\"muted none\">none</li>");
    }
    h.append("</ul><form id=\"tokenform\" hidden><label>API token <input id=\"token\"")
        .append(" type=\"password\" autocomplete=\"off\"></label> <button type=\"submit\">")
        .append("Save</button> <span class=\"muted\">kept for this tab only</span></form>")
        .append("<p id=\"actionmsg\" class=\"muted\" role=\"status\"></p></section>");

    // Storage
    h.append("<section><h2>Storage</h2><p>");
    long kept = 0;
    for (DeviceView d : devices) {
      kept += d.readings();
    }
    h.append("size ")
        .append(Html.bytes(b.pipeline().store().sizeOnDisk()))
        .append(" · readings stored ")
        .append(kept);
    StoreHealth health = b.pipeline().store().health();
    DiskSpace disk = health.disk();
    if (disk != null && disk.known()) {
      h.append(" · disk <span id=\"disk-free\">")
          .append(Html.bytes(disk.usableBytes()))
          .append(" free of ")
          .append(Html.bytes(disk.totalBytes()))
          .append("</span> (reserve ")
          .append(Html.bytes(disk.reserveBytes()))
          .append(")");
    }
    if (!health.healthy()) {
      h.append("<br><span id=\"store-state\" class=\"pill bad\">writes failing</span> ")
          .append("<span id=\"store-reason\">")
          .append(esc(health.lastError()))
          .append("</span>");
    }
    List<Duration> r = b.retention();
    h.append("<br>retention: raw ")
        .append(Html.days(r.get(0)))
        .append(", 1-minute ")
        .append(Html.days(r.get(1)))
        .append(", 1-hour ")
        .append(Html.days(r.get(2)))
        .append("</p></section>");

    // Errors
    h.append("<section><h2>Recent errors</h2><ul id=\"errors\">");
    List<Map<String, Object>> errors = b.recentErrors();
    for (Map<String, Object> e : errors) {
      h.append("<li><time>")
          .append(esc(e.get("at")))
          .append("</time> ")
          .append(esc(e.get("message")))
          .append("</li>");
    }
    if (errors.isEmpty()) {
      h.append("<li class=\"muted\">none</li>");
    }
    h.append("</ul></section><footer class=\"muted\">")
        .append("<a href=\"/api/status\">/api/status</a> · <a href=\"/metrics\">/metrics</a>")
        .append(" · rendered ")
        .append(esc(Json.ts(now)))
        .append("</footer><script>")
        .append(JS)
        .append("</script></body></html>");
    return h.toString();
  }

  /**
   * A step of the wall clock since start, said once at the top: timestamps around it jump, while
   * ages, debounce and stale keep running on the monotonic clock.
   */
  private static void clockNotice(StringBuilder h, AgentClock clock) {
    Optional<AgentClock.Step> step = clock.lastStep();
    if (step.isEmpty()) {
      return;
    }
    long n = clock.steps();
    h.append("<p id=\"clock-step\" class=\"warn\">The wall clock stepped ")
        .append(esc(step.get().describe()))
        .append(" at ")
        .append(esc(Json.ts(step.get().noticedAt())))
        .append(n > 1 ? " (" + n + " steps since start)" : "")
        .append(": readings since are stamped with the new time; ages, debounce and stale")
        .append(" run on the monotonic clock.</p>");
  }

  /** Most devices that get a 24 h chart on the page (each is one store query of 1440 rows). */
  static final int MAX_CHARTS = 20;

  /**
   * One small 24 h chart per device from the 1-minute aggregates, as of the page's rendering (the
   * live values above keep updating; a reload redraws the charts).
   */
  private static void history(
      StringBuilder h, ApiBackend b, List<DeviceView> devices, Instant now) {
    h.append("<section id=\"history\"><h2>Last 24 h <small class=\"muted\">1-minute averages,")
        .append(" as of loading the page</small></h2>");
    if (devices.isEmpty()) {
      h.append("<p class=\"muted\">no device yet</p>");
    }
    h.append("<div class=\"days\">");
    Instant from = now.minus(DayChart.SPAN);
    int n = 0;
    for (DeviceView d : devices) {
      if (n++ == MAX_CHARTS) {
        break;
      }
      DayChart.render(
          h,
          d,
          b.pipeline().store().readings(d.id(), from, now, Step.MINUTE, DayChart.MINUTES + 1),
          now);
    }
    h.append("</div>");
    if (devices.size() > MAX_CHARTS) {
      h.append("<p class=\"muted\">charts for the first ")
          .append(MAX_CHARTS)
          .append(" of ")
          .append(devices.size())
          .append(" devices; every device's history is in <code>/api/readings</code>.</p>");
    }
    h.append("</section>");
  }

  /**
   * The online column: the device's own status (local sensor loop, or its retained status topic)
   * when known; else derived from its last reading: "reporting" while it is fresh, "silent" once
   * stale, so a device that never sends a status is not just "?".
   */
  static String presence(DeviceView d) {
    if (d.online() != null) {
      return d.online() ? "online" : "offline";
    }
    if (d.lastTs() == null) {
      return "never seen";
    }
    return d.stale() ? "silent" : "reporting";
  }

  /**
   * The state column, worst first: a failing read, no reading, stale; then every incident that is
   * not resolved. "ok" only when there is nothing of these.
   */
  static String state(DeviceView d, List<Incident> incidents) {
    List<String> parts = new ArrayList<>();
    if (d.lastReadFailed()) {
      parts.add("invalid: " + d.lastFailure());
    } else if (d.lastTs() == null) {
      parts.add("no reading");
    } else if (d.stale()) {
      parts.add("stale");
    }
    for (Incident i : incidents) {
      parts.add("incident " + i.status().id() + ": " + i.rule().id());
    }
    return parts.isEmpty() ? "ok" : String.join(" · ", parts);
  }

  private static void deviceRow(StringBuilder h, DeviceView d, List<Incident> incidents) {
    boolean stale = d.stale();
    boolean invalid = d.lastReadFailed();
    StringBuilder cls = new StringBuilder(invalid ? "invalid" : stale ? "stale" : "");
    if (!incidents.isEmpty()) {
      cls.append(cls.isEmpty() ? "" : " ").append("alert");
    }
    StringBuilder inc = new StringBuilder();
    for (Incident i : incidents) {
      inc.append(inc.isEmpty() ? "" : ",")
          .append(i.status().id())
          .append(':')
          .append(i.rule().id());
    }
    h.append("<tr id=\"dev-")
        .append(esc(d.id()))
        .append("\" class=\"")
        .append(cls)
        .append("\" data-ts=\"")
        .append(d.lastTs() == null ? "" : d.lastTs().toEpochMilli())
        .append("\" data-age=\"")
        .append(d.age() == null ? "" : d.age().toMillis())
        .append("\" data-interval=\"")
        .append(d.expectedInterval().toMillis())
        .append("\" data-online=\"")
        .append(d.online() == null ? "" : d.online())
        .append("\" data-failure=\"")
        .append(invalid ? esc(d.lastFailure()) : "")
        .append("\" data-incidents=\"")
        .append(esc(inc))
        .append("\"><td class=\"dev\" data-label=\"device\">")
        .append(esc(d.id()))
        .append(" <small class=\"muted\">")
        .append(d.local() ? "local " : "")
        .append(esc(d.source()))
        .append("</small>")
        .append("</td><td class=\"t v\" data-label=\"temperature\">")
        .append(Html.num(d.temperature(), "°C"))
        .append("</td><td class=\"h v\" data-label=\"humidity\">")
        .append(Html.num(d.humidity(), "%RH"))
        .append("</td><td class=\"age\" data-label=\"age\">")
        .append(Html.age(d.age()))
        .append("</td><td class=\"on\" data-label=\"online\" title=\"")
        .append(
            d.online() != null
                ? "the device's own status"
                : "no status from the device: from the age of its last reading")
        .append("\">")
        .append(presence(d))
        .append("</td><td class=\"rate")
        .append(d.successRate() == null ? " na" : "")
        .append("\" data-label=\"reads ok\">")
        .append(
            d.successRate() == null
                ? "–"
                : String.format(java.util.Locale.ROOT, "%.1f %%", 100 * d.successRate()))
        .append("</td><td class=\"state\" data-label=\"state\">")
        .append(esc(state(d, incidents)))
        .append("</td></tr>");
  }

  private static void incidentItem(StringBuilder h, Incident i) {
    h.append("<li id=\"inc-")
        .append(i.id())
        .append("\" data-id=\"")
        .append(i.id())
        .append("\"><span class=\"pill ")
        .append(i.status().id())
        .append("\">")
        .append(esc(i.status().id()))
        .append("</span> <b>")
        .append(esc(i.deviceId()))
        .append("</b> ")
        .append(esc(i.message()))
        .append(" <small class=\"muted\">since ")
        .append(esc(Json.ts(i.openedAt())))
        .append("</small> ");
    if (i.status().id().equals("open")) {
      h.append("<button data-action=\"ack\">Acknowledge</button> ");
    }
    h.append("<button data-action=\"resolve\">Resolve</button></li>");
  }

  /** An inline icon: the browser asks for no {@code /favicon.ico} (nothing external, no 404). */
  private static final String FAVICON =
      "<link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'"
          + " viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='7' fill='%230b63c5'/%3E"
          + "%3Ccircle cx='16' cy='22' r='5' fill='%23fff'/%3E%3Crect x='13' y='5' width='6'"
          + " height='16' rx='3' fill='%23fff'/%3E%3C/svg%3E\">";

  private static final String CSS =
      """
      :root{--bg:#fff;--fg:#1b1f23;--muted:#6a737d;--line:#e1e4e8;--ok:#1a7f37;--bad:#cf222e;\
      --warn:#9a6700;--card:#f6f8fa;--t:#c2410c;--h:#1d6fd1}
      @media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8b949e;\
      --line:#30363d;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--card:#161b22;--t:#ff8a50;\
      --h:#5cb8ff}}
      *{box-sizing:border-box}body{margin:0 auto;max-width:60rem;padding:1rem;background:var(--bg);\
      color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
      h1{font-size:1.4rem;margin:.2rem 0}h1 small{color:var(--muted);font-weight:normal}
      h2{font-size:1.05rem;margin:0 0 .4rem}
      section{background:var(--card);border:1px solid var(--line);border-radius:8px;\
      padding:.7rem .9rem;margin:.8rem 0}
      .muted{color:var(--muted)}.scroll{overflow-x:auto}
      table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;\
      border-bottom:1px solid var(--line);white-space:nowrap}
      tr.stale td.v,tr.invalid td.v,tr.stale td.age,tr.invalid td.age{color:var(--muted);\
      text-decoration:line-through}
      td.state{white-space:normal;min-width:6rem}
      tr.stale td.state{color:var(--warn)}tr.invalid td.state,tr.alert td.state{color:var(--bad)}
      .pill{display:inline-block;border-radius:999px;padding:0 .55rem;border:1px solid currentColor;\
      font-size:.85em}
      .ok{color:var(--ok)}.bad,.open{color:var(--bad)}.acknowledged,.warn{color:var(--warn)}
      ul{padding-left:1.1rem;margin:.2rem 0}li{margin:.25rem 0}
      button{font:inherit;padding:.2rem .6rem;border-radius:6px;border:1px solid var(--line);\
      background:var(--bg);color:var(--fg);cursor:pointer}
      input{font:inherit;padding:.2rem;background:var(--bg);color:var(--fg);\
      border:1px solid var(--line);border-radius:4px}
      a{color:inherit}footer{font-size:.85em;margin-top:1rem}
      .days{display:grid;gap:.6rem;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}
      figure.day{margin:0;background:var(--bg);border:1px solid var(--line);border-radius:6px;\
      padding:.35rem .5rem;min-width:0}
      figure.day figcaption{font-weight:600;font-size:.9em;overflow:hidden;text-overflow:ellipsis;\
      white-space:nowrap}
      .pane{display:grid;grid-template-columns:2.6rem 1fr;gap:.35rem;margin:.25rem 0}
      .pane .range{display:flex;flex-direction:column;justify-content:space-between;\
      font-size:.72em;text-align:right;line-height:1.1}
      .pane .range b{font-weight:600}.pane.t .range{color:var(--t)}.pane.h .range{color:var(--h)}
      .pane svg{display:block;width:100%;height:3rem;border-left:1px solid var(--line);\
      border-bottom:1px solid var(--line);overflow:visible}
      .pane path{fill:none;stroke-width:2;vector-effect:non-scaling-stroke;stroke-linejoin:round;\
      stroke-linecap:round}.pane.t path{stroke:var(--t)}.pane.h path{stroke:var(--h)}
      .axis{display:flex;justify-content:space-between;font-size:.72em;margin-left:2.95rem}
      @media (max-width:600px){body{padding:.5rem}th,td{padding:.25rem .3rem}
      #devices thead{display:none}#devices,#devices tbody{display:block}
      #devices tr{display:grid;grid-template-columns:1fr 1fr;gap:0 .6rem;padding:.35rem 0;\
      border-bottom:1px solid var(--line)}
      #devices td{border:0;padding:.1rem 0;white-space:normal;min-width:0;overflow-wrap:anywhere}
      #devices td::before{content:attr(data-label);display:inline-block;width:100%;\
      font-size:.72em;color:var(--muted)}#devices td.rate.na{display:none}
      #devices td.dev,#devices td.state,#devices tr.none td{grid-column:1/-1}
      #devices td.dev{font-weight:600}#devices td.dev::before,#devices tr.none td::before{content:none}}
      """;

  private static final String JS =
      """
      (function(){
      'use strict';
      var KEY='edgeAgentToken';
      var urlToken=new URLSearchParams(location.search).get('token');
      if(urlToken){sessionStorage.setItem(KEY,urlToken);}
      function token(){return sessionStorage.getItem(KEY);}
      function headers(){var t=token();var h={'Content-Type':'application/json'};\
      if(t){h.Authorization='Bearer '+t;}return h;}
      function $(s){return document.querySelector(s);}
      function age(ms){var s=Math.max(0,Math.floor(ms/1000));if(s<120)return s+' s';\
      if(s<7200)return Math.floor(s/60)+' min';if(s<172800)return Math.floor(s/3600)+' h';\
      return Math.floor(s/86400)+' d';}
      function fmt(v,u){return (Math.round(v*10)/10).toFixed(1)+' '+u;}
      var T0=performance.now();
      function since(el){return performance.now()-Number(el.dataset.at||T0);}
      // The same words as StatusPage.state and StatusPage.presence render on the server.
      function stateText(tr,stale){
        var p=[];
        if(tr.classList.contains('invalid')){p.push('invalid: '+tr.dataset.failure);}
        else if(!tr.dataset.ts){p.push('no reading');}else if(stale){p.push('stale');}
        (tr.dataset.incidents?tr.dataset.incidents.split(','):[]).forEach(function(x){
          var i=x.indexOf(':');p.push('incident '+x.slice(0,i)+': '+x.slice(i+1));});
        return p.length?p.join(' · '):'ok';
      }
      function presence(tr,stale){var o=tr.dataset.online;if(o==='true'){return 'online';}
        if(o==='false'){return 'offline';}if(!tr.dataset.ts){return 'never seen';}
        return stale?'silent':'reporting';}
      function tick(){
        document.querySelectorAll('#devices tbody tr[id^="dev-"]').forEach(function(tr){
          var stale=false;
          if(tr.dataset.ts&&tr.dataset.age){
            var a=Number(tr.dataset.age)+since(tr);tr.querySelector('.age').textContent=age(a);
            stale=a>3*Number(tr.dataset.interval);}
          tr.classList.toggle('stale',stale&&!tr.classList.contains('invalid'));
          tr.classList.toggle('alert',!!tr.dataset.incidents);
          var st=stateText(tr,stale),s=tr.querySelector('.state');
          if(s.textContent!==st){s.textContent=st;}
          var on=presence(tr,stale),o=tr.querySelector('.on');
          if(o.textContent!==on){o.textContent=on;}
        });
        var up=$('#uptime');up.textContent=age(Number(up.dataset.uptime)+since(up));
      }
      function scrollHint(){var s=$('#devices').parentNode;
        $('#scroll-hint').hidden=!(s.scrollWidth>s.clientWidth+1);}
      window.addEventListener('resize',scrollHint);scrollHint();
      setInterval(tick,1000);
      function onReading(r){
        var tr=document.getElementById('dev-'+r.device_id);
        if(!tr){location.reload();return;}
        tr.dataset.ts=String(Date.parse(r.ts));
        tr.dataset.age=String(Math.round(1000*(r.age_s||0)));tr.dataset.at=String(performance.now());
        tr.querySelector('.t').textContent=fmt(r.temperature,'°C');
        tr.querySelector('.h').textContent=fmt(r.humidity,'%RH');
        tr.classList.remove('invalid');tr.dataset.failure='';tick();
      }
      function incidentLi(i){
        var li=document.createElement('li');li.id='inc-'+i.incident_id;li.dataset.id=i.incident_id;
        var p=document.createElement('span');p.className='pill '+i.status;p.textContent=i.status;
        var b=document.createElement('b');b.textContent=i.device_id;
        var sm=document.createElement('small');sm.className='muted';sm.textContent='since '+i.opened_at;
        li.append(p,' ',b,' ',document.createTextNode(i.message),' ',sm,' ');
        if(i.status==='open'){var a=document.createElement('button');a.dataset.action='ack';\
      a.textContent='Acknowledge';li.append(a,' ');}
        var r=document.createElement('button');r.dataset.action='resolve';r.textContent='Resolve';
        li.append(r);return li;
      }
      function refreshIncidents(){
        fetch('/api/incidents?status=open,acknowledged',{headers:headers()})
        .then(function(res){return res.ok?res.json():null;}).then(function(body){
          if(!body){return;}var ul=$('#incidents');ul.textContent='';
          body.incidents.forEach(function(i){ul.append(incidentLi(i));});
          var per={};body.incidents.slice().sort(function(a,b){return a.incident_id-b.incident_id;})
          .forEach(function(i){(per[i.device_id]=per[i.device_id]||[]).push(i.status+':'+i.rule);});
          document.querySelectorAll('#devices tbody tr[id^="dev-"]').forEach(function(tr){
            tr.dataset.incidents=(per[tr.id.slice(4)]||[]).join(',');});
          tick();
          if(!body.incidents.length){var li=document.createElement('li');li.className='muted none';\
      li.textContent='none';ul.append(li);}
        });
      }
      function msg(t){$('#actionmsg').textContent=t;}
      var pending=null;
      function act(id,action){
        if(!token()){pending=[id,action];$('#tokenform').hidden=false;$('#token').focus();\
      msg('Enter the API token (printed at first start; in <data_dir>/http-token).');return;}
        fetch('/api/incidents/'+id+'/'+action,{method:'POST',headers:headers(),body:'{}'})
        .then(function(res){
          if(res.status===401){sessionStorage.removeItem(KEY);pending=[id,action];\
      $('#tokenform').hidden=false;msg('Token refused; enter it again.');return;}
          if(!res.ok){msg('Failed: HTTP '+res.status);return;}
          msg('Incident '+id+(action==='ack'?' acknowledged.':' resolved.'));refreshIncidents();
        }).catch(function(e){msg('Failed: '+e);});
      }
      $('#incidents').addEventListener('click',function(e){
        var btn=e.target.closest('button');if(!btn){return;}
        act(btn.closest('li').dataset.id,btn.dataset.action);
      });
      $('#tokenform').addEventListener('submit',function(e){
        e.preventDefault();var v=$('#token').value.trim();if(!v){return;}
        sessionStorage.setItem(KEY,v);$('#token').value='';$('#tokenform').hidden=true;msg('');
        if(pending){var p=pending;pending=null;act(p[0],p[1]);}
      });
      function connect(){
        var q=token()&&document.body.dataset.readtoken?'?token='+encodeURIComponent(token()):'';
        var es=new EventSource('/api/events'+q);
        // Incidents that changed while no stream was open (a reload, a reconnect) sent their
        // events to nobody: fetch the list each time the stream opens.
        es.onopen=function(){$('#live').textContent='live';$('#live').className='ok';\
      refreshIncidents();};
        es.onerror=function(){$('#live').textContent='reconnecting…';$('#live').className='bad';};
        es.addEventListener('reading',function(e){onReading(JSON.parse(e.data));});
        es.addEventListener('incident',function(){refreshIncidents();});
        es.addEventListener('connection',function(e){var c=JSON.parse(e.data);
          var s=$('#broker-state');if(!s){return;}s.textContent=c.connected?'connected':'disconnected';
          s.className='pill '+(c.connected?'ok':'bad');$('#broker-server').textContent=c.server;});
      }
      function refreshDevices(){
        fetch('/api/devices',{headers:headers()}).then(function(res){return res.ok?res.json():null;})
        .then(function(body){if(!body){return;}
          body.devices.forEach(function(d){
            var tr=document.getElementById('dev-'+d.device_id);if(!tr){return;}
            tr.dataset.online=d.online===null?'':String(d.online);
            var rate=tr.querySelector('.rate');rate.classList.toggle('na',d.read_success_rate===null);
            rate.textContent=d.read_success_rate===null?'–':(100*d.read_success_rate).toFixed(1)+' %';
            tr.classList.toggle('invalid',d.last_read_failed);
            tr.dataset.failure=d.last_read_failed?d.last_failure:'';
          });tick();
        });
      }
      setInterval(refreshDevices,10000);
      connect();
      })();
      """;
}
