/// The one table of what a person reads in `--format table`. Column keys and coded values stay
/// English and stable in JSON and CSV (the programmatic interface, which the service reuses);
/// tables show them through this table, so no command translates on its own.
public enum Labels {
    public static func header(_ key: String) -> String { headers[key] ?? key.replacingOccurrences(of: "_", with: " ") }

    public static func value(_ code: String) -> String { values[code] ?? code.replacingOccurrences(of: "_", with: " ") }

    public static let headers: [String: String] = [
        // Import reports
        "line": "línea", "column": "columna", "value": "valor", "error": "motivo",
        // Registry, catalog, groups
        "code": "código", "name": "nombre", "former_names": "nombres anteriores", "order": "orden",
        "state": "entidad", "counts_in_indicator": "cuenta en 4.2", "program": "programa", "level": "nivel",
        "title": "título", "hours": "horas", "modalities": "modalidades", "max_group_size": "cupo máximo",
        "prerequisites": "requisitos", "counts_for_indicator": "cuenta en 4.2", "approved_on": "aprobado por el pleno",
        "approval_session": "sesión del pleno", "topic": "tema",
        "group": "grupo", "course": "curso", "kind": "tipo", "agency": "instancia", "starts_on": "inicio",
        "ends_on": "fin", "modality": "modalidad", "capacity": "cupo", "enrolled": "inscritas",
        "acreditados": "acreditadas", "no_acreditados": "no acreditadas", "bajas": "bajas",
        "general_public": "público general", "public_servants": "servidores públicos",
        "format": "formato", "partner": "aliado", "formato": "formato", "aliado": "aliado",
        // Sessions
        "session": "sesión", "date": "fecha", "starts_at": "hora de inicio", "ends_at": "hora de fin",
        "place": "lugar", "place_kind": "tipo de lugar", "source": "origen",
        // Scanned signed lists
        "file_name": "archivo", "media_type": "tipo", "size_bytes": "bytes", "sha256": "SHA-256",
        "attached_by": "adjuntó", "attached_at": "adjuntada", "created": "nueva",
        // Breakdowns of the events table
        "publico_general": "público general", "servidores_publicos": "servidores públicos", "publico": "público",
        // Breakdowns of coverage
        "agencies": "instancias", "meeting": "cumplen", "without_headcount": "sin plantilla (ND)",
        "headcount_alto": "plantilla: alto", "headcount_medio": "plantilla: medio",
        "headcount_operativo": "plantilla: operativo", "trained_alto": "capacitadas: alto",
        "trained_medio": "capacitadas: medio", "trained_operativo": "capacitadas: operativo",
        "entidad": "entidad federativa",
        // The attendance register
        "present": "asistió", "absent": "no asistió", "excused": "justificada",
        "counted": "sesiones que cuentan", "attendance_source": "asistencia según",
        // People and results
        "curp": "CURP", "tier": "nivel de mando", "attendance": "asistencia", "pre": "pre", "post": "post",
        "final": "calificación", "status": "estado", "pass_rate": "acreditación",
        "class_gain": "ganancia del grupo", "mean_individual_gain": "ganancia individual media",
        "reaction_mean": "reacción media", "pass_percent": "acreditación %",
        "reaccion_metodologia": "metodología", "reaccion_instructores": "instructores",
        "reaccion_contenidos": "contenidos", "reaccion_infraestructura": "infraestructura",
        "parameter": "parámetro",
        // Constancias
        "folio": "folio", "issued_at": "emitida", "revoked_at": "revocada", "revoked_reason": "motivo de revocación",
        "holder": "titular", "pdf_sha256": "SHA-256 del PDF emitido",
        // Coverage and Parámetro 4.2
        "year": "año", "alto": "alto", "medio": "medio", "operativo": "operativo", "total": "total",
        "headcount": "plantilla", "trained": "capacitadas", "percent": "porcentaje", "missing": "faltan",
        "tier_meets": "nivel cumple", "agency_meets": "instancia cumple", "nii": "NII", "tii": "TII",
        "without_data": "sin datos", "formula": "fórmula", "formula_official": "sustitución (ficha oficial)",
        "mark": "nota", "threshold": "umbral", "rule": "regla",
        "window": "ventana", "levels": "niveles", "courses": "cursos", "field": "dato",
        "cap_eventos": "capacitación: eventos", "cap_publico_general": "capacitación: público general",
        "cap_servidores_publicos": "capacitación: servidores públicos",
        "sens_eventos": "sensibilización: eventos", "sens_publico_general": "sensibilización: público general",
        "sens_servidores_publicos": "sensibilización: servidores públicos",
        // The 2010-2012 programme's indicator (training actions)
        "indicator": "indicador", "programme": "programa", "goal": "meta del programa",
        "definition": "acción de capacitación", "baseline_year": "año base",
        "baseline_actions": "acciones del año base",
        "baseline_source": "fuente del año base", "target_percent": "meta (variación %)",
        "target_actions": "acciones para cumplir",
        "actions": "acciones", "change": "variación %", "meets": "cumple",
        // Meta 4.1 (content updates of the PNC)
        "meta": "meta", "method": "método de cálculo", "counts": "qué cuenta NAAC", "naac": "NAAC", "tap": "TAP",
        "tap_source": "fuente de TAP", "first_year": "primer año",
        // Fichas and plans
        "version": "versión", "hombres": "hombres", "mujeres": "mujeres", "otro": "otro",
        "source_file": "archivo", "imported_at": "importada", "superseded_at": "reemplazada",
        "category": "categoría", "people": "personas", "need": "necesidad", "group_size": "tamaño de grupo",
        "groups": "grupos", "trained_now": "capacitadas hoy", "to_train": "por capacitar",
        "projected_percent": "porcentaje proyectado", "projected_meets": "cumpliría",
        // Audit
        "at": "cuándo", "user": "usuario", "role": "rol", "action": "acción", "target": "sobre", "batch": "lote",
        "detail": "detalle", "id": "id", "hint": "inicio del token", "created_at": "creado", "expires_on": "vence",
        // Schema
        "applied_at": "aplicada el", "nivel": "grado o puesto",
        // Import summaries
        "dry_run": "prueba (sin escribir)", "rows": "filas", "imported": "nuevas", "updated": "actualizadas",
        "unchanged": "sin cambios", "rejected": "problemas", "header_line": "línea del encabezado",
        "ignored_columns": "columnas ignoradas", "answered": "contestó",
        // The multipliers
        "formador_group": "grupo de Formador", "formador_ended_on": "terminó", "groups_taught": "grupos impartidos",
        "aggregate": "asistentes sin lista", "reached": "personas alcanzadas",
        // Accounts and mail
        "email": "correo", "active": "activa", "two_factor": "dos pasos",
        "created_by": "creada por", "account": "cuenta", "last_sign_in_at": "última entrada", "recipient": "para",
        "subject": "asunto",
        "attempts": "intentos", "next_attempt_at": "siguiente intento", "failed_at": "abandonado",
        "last_error": "último error", "sent": "enviados", "retrying": "por reintentar", "gave_up": "abandonados",
        // A person's data on request (ARCO) and retention
        "channel": "medio", "received_on": "recibida", "due_on": "vence", "days_left": "días hábiles restantes",
        "overdue": "vencida", "outcome": "lo que se hizo", "filed_by": "registró", "closed_by": "cerró",
        "closed_on": "cerrada", "generated_at": "generado", "last_activity": "última actividad",
        "blocked": "se deja porque",
    ]

    public static let values: [String: String] = [
        // EnrollmentStatus
        "inscrito": "inscrito", "acreditado": "acreditado", "no_acreditado": "no acreditado", "baja": "baja",
        // CoverageOptions
        "draft": "borrador", "courses_todos": "todos", "courses_aprobados": "solo aprobados",
        "each-tier": "cada nivel", "all-tiers": "todos los niveles juntos", "cumulative": "acumulado",
        "annual": "anual",
        // Constancia status, migration state, ficha version
        "valid": "válida", "revoked": "revocada", "cancelled": "anulada por cancelación de datos",
        "applied": "aplicada", "pending": "pendiente", "current": "vigente",
        // Course kinds, levels, modalities
        "capacitacion": "capacitación", "sensibilizacion": "sensibilización", "basico": "básico",
        "intermedio": "intermedio", "formador": "formador de personas formadoras", "especializado": "especializado",
        "especializacion": "especialización", "presencial": "presencial", "en_linea": "en línea", "mixta": "mixta",
        "reaccion": "reacción",
        // Event formats (EventFormat; the others read as their codes)
        "platica": "plática", "obra_de_teatro": "obra de teatro",
        // Session places and where a session comes from
        "place": "lugar", "link": "enlace", "scheduled": "programada", "per_day": "una por día",
        // Attendance marks, where a percentage comes from, how a justified absence counts
        "present": "asistió", "absent": "no asistió", "excused": "justificada", "register": "registro",
        "imported": "archivo de resultados", "justified_asistencia": "cuentan como asistencia",
        "justified_excluida": "no cuentan (se excluyen del cómputo)", "justified_falta": "cuentan como falta",
        // Ficha summary groups
        "orden": "orden de gobierno", "sexo": "sexo", "edad": "edad", "escolaridad": "escolaridad", "area": "área",
        "necesidades": "necesidades", "total": "total", "ND": "ND",
        "hombres": "hombres", "mujeres": "mujeres", "otro": "otro", "medio_superior": "medio superior",
        "licenciatura_o_superior": "licenciatura o superior", "economico_administrativo": "económico-administrativo",
        "ingenierias": "ingenierías", "tecnologias_de_la_informacion": "tecnologías de la información",
        "ciencias_sociales": "ciencias sociales", "medicina_general": "medicina general",
        "alto": "alto", "medio": "medio", "operativo": "operativo", "federal": "federal", "estatal": "estatal",
        "municipal": "municipal", "admin": "Secretaría Técnica", "enlace": "enlace", "instructor": "instructor",
        "system": "sistema",
        // Catalog history events (Meta 4.1's actions)
        "aprobacion": "aprobación", "actualizacion": "actualización",
        // Mail kinds and states
        "invitation": "invitación", "password_reset": "restablecer contraseña", "test": "prueba",
        "participant_link": "enlace a Mis constancias",
        "sending": "enviando", "failed": "abandonado",
        // ARCO requests: kinds, channels, states
        "acceso": "acceso", "rectificacion": "rectificación", "cancelacion": "cancelación", "oposicion": "oposición",
        "escrito": "escrito", "correo": "correo", "pnt": "Plataforma Nacional de Transparencia",
        "participante": "página del participante", "recibida": "recibida", "en_proceso": "en proceso",
        "atendida": "atendida", "improcedente": "improcedente", "vencida": "VENCIDA",
        "cuenta": "tiene una cuenta", "solicitud": "tiene una solicitud abierta",
    ]
}
